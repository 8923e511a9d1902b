/**
 * One refresh primitive and its scheduler, generic over "a value with an expiry": it knows nothing
 * about STS.
 *
 * <p>{@link dev.stsfleet.refresh.Expiring} is what a refresh function returns (a value, when it was
 * issued, when it expires); a {@link dev.stsfleet.refresh.RefreshPolicy} turns it into a
 * {@link dev.stsfleet.refresh.Snapshot} with an advisory and a mandatory refresh instant;
 * a {@link dev.stsfleet.refresh.Refresher} keeps many keyed snapshots fresh in the background, on one
 * scheduler thread and a bounded worker pool it owns and joins on {@code close()}, and reports to a
 * {@link dev.stsfleet.refresh.RefreshListener}.
 */
package dev.stsfleet.refresh;

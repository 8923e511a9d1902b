/**
 * The IO edge that hands credentials to other processes over HTTP: a loopback-only
 * container-credentials endpoint guarded by a random token.
 */
package dev.stsfleet.server;

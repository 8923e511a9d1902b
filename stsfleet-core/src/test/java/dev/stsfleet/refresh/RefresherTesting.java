package dev.stsfleet.refresh;

import java.util.List;

/** Opens the refresher's package-private testing hooks to tests in other packages. */
public final class RefresherTesting {
    private RefresherTesting() {
    }

    /** Makes the scheduler look at the (moved) clock and waits until everything due has run. */
    public static void tick(Refresher<?, ?> refresher) {
        refresher.tick();
    }

    /** Makes the scheduler look at the clock now, without waiting. */
    public static void wakeUp(Refresher<?, ?> refresher) {
        refresher.wakeUp();
    }

    public static int completedCycles(Refresher<?, ?> refresher) {
        return refresher.completedCycles();
    }

    public static List<Thread> threads(Refresher<?, ?> refresher) {
        return refresher.threads();
    }
}

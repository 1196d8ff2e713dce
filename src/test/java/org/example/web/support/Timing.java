package org.example.web.support;

import java.time.Duration;

/**
 * Moments and deliberate pauses of the tests. A pause lets something run for a while (a load
 * around an event); waiting for a condition is Awaitility's job, never a loop around a pause.
 */
public final class Timing {

	private Timing() {
	}

	/** Now, in epoch milliseconds: the unit of every time stamp the tests compare. */
	public static long now() {
		return System.currentTimeMillis();
	}

	/** Seconds from one moment to a later one (epoch milliseconds), to the millisecond. */
	public static double secondsBetween(long fromMillis, long toMillis) {
		return (toMillis - fromMillis) / 1000.0;
	}

	/** A duration in seconds, to the millisecond: how the reports give durations. */
	public static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	public static double secondsSince(long fromMillis) {
		return secondsBetween(fromMillis, now());
	}

	/** Lets time pass; an interrupt ends the pause early and is kept for the caller. */
	public static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

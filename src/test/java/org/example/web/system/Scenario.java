package org.example.web.system;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.example.web.support.Timing;

/**
 * An action under a constant load through HAProxy, the load stopped whatever happens:
 *
 * <pre>
 * try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(3))) {
 *     scenario.hold(Duration.ofSeconds(3));                  // traffic before the event
 *     long killedAt = Timing.now();
 *     Shell.run("docker", "kill", victim);                   // the event
 *     stack.awaitServersUp(3, Duration.ofMinutes(2));        // a wait (Awaitility) may fail...
 *     scenario.figure("secondsToReplaced", Timing.secondsSince(killedAt));
 *     LoadSummary load = scenario.finishAfter(Duration.ofSeconds(5));
 *     Report.write("kill", load, scenario.figures());        // figures first, then the verdict
 *     load.assertNoneFailed();
 * }                                                          // ...the load stops here anyway
 * </pre>
 *
 * {@code maxDuration} bounds the load if the test forgets to finish; a load that reaches it
 * before {@link #finish()} makes {@link LoadSummary#assertNoneFailed()} fail.
 */
final class Scenario implements AutoCloseable {

	/**
	 * Requests per second of every scenario: light enough for two shared cores, dense enough that
	 * each of 3 to 6 instances answers several times a second, so a gap of a fraction of a
	 * second shows.
	 */
	static final int RATE = 40;

	private final LoadDriver load;

	private final Map<String, Object> figures = new LinkedHashMap<>();

	private LoadSummary summary;

	private Scenario(LoadDriver load) {
		this.load = load;
	}

	/** {@code GET /whoami} through HAProxy at {@value #RATE} requests/s. */
	static Scenario underLoad(Duration maxDuration) {
		return underLoad(Endpoints.WHOAMI, RATE, maxDuration);
	}

	static Scenario underLoad(String url, int ratePerSecond, Duration maxDuration) {
		return new Scenario(LoadDriver.start(url, ratePerSecond, maxDuration));
	}

	/** Lets the load run for that long (before or after an event). */
	void hold(Duration duration) {
		Timing.pause(duration);
	}

	/** Instances that answered requests sent at or after that moment, so far. */
	List<String> instancesAnsweringSince(long epochMillis) {
		return this.load.soFar().instancesSince(epochMillis);
	}

	/** Versions that answered requests sent at or after that moment, so far. */
	List<String> versionsAnsweringSince(long epochMillis) {
		return this.load.soFar().versionsSince(epochMillis);
	}

	/** Notes a figure of the scenario for its report (the load's own come from the summary). */
	void figure(String name, Object value) {
		this.figures.put(name, value);
	}

	/** The figures noted so far, in the order they were noted. */
	Map<String, Object> figures() {
		return new LinkedHashMap<>(this.figures);
	}

	/** Stops the load, waits for the answers still due, and sums up (once; later calls return the same). */
	LoadSummary finish() {
		if (this.summary == null) {
			this.summary = this.load.stop();
		}
		return this.summary;
	}

	/** Lets the load run for that long, then finishes. */
	LoadSummary finishAfter(Duration duration) {
		hold(duration);
		return finish();
	}

	/** Stops the load if the scenario ended before {@link #finish()} (a failed step). */
	@Override
	public void close() {
		if (this.summary == null) {
			this.load.abort();
		}
	}

}

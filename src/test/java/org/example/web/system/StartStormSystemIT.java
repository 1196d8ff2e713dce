package org.example.web.system;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import org.example.web.support.Timing;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start storm converges: the web service scaled from 3 to 12 replicas in one step (nine JVMs
 * and nine Consul agents starting together on this machine's two cores) ends with all twelve
 * served by HAProxy, none killed as unhealthy on the way, and no request failed meanwhile.
 */
@SystemTest
class StartStormSystemIT {

	static final int STORM = 12;

	/**
	 * All twelve served within this. Not the healthcheck's start period (60 s): a task the healthcheck
	 * killed on the way is counted apart (webTasksFailedInTheStorm, which must be 0).
	 */
	static final Duration CONVERGENCE = Duration.ofMinutes(2);

	@Test
	void scalingFromThreeToTwelveInOneStepConverges(SwarmStack stack) {
		stack.scaleAndWait(SwarmStack.REPLICAS);
		Set<String> failedBefore = stack.failedWebTasks();
		try (Scenario scenario = Scenario.underLoad(Duration.ofMinutes(6))) {
			scenario.hold(Duration.ofSeconds(3));
			long start = Timing.now();
			stack.scale(STORM);
			stack.awaitServersUp(STORM, CONVERGENCE);
			scenario.figure("secondsTo12Served", Timing.secondsSince(start));
			Set<String> failedInTheStorm = new TreeSet<>(stack.failedWebTasks());
			failedInTheStorm.removeAll(failedBefore);
			scenario.figure("webTasksFailedInTheStorm", failedInTheStorm.size());
			scenario.hold(Duration.ofSeconds(5));
			scenario.figure("instancesAnsweringAt12", scenario.instancesAnsweringSince(Timing.now() - 4000).size());
			long back = Timing.now();
			stack.scaleAndWait(SwarmStack.REPLICAS);
			scenario.figure("secondsBackTo3", Timing.secondsSince(back));
			LoadSummary load = scenario.finishAfter(Duration.ofSeconds(3));
			Report.write("start storm 3 -> 12 -> 3", load, scenario.figures());
			load.assertNoneFailed();
			assertThat(scenario.figures().get("webTasksFailedInTheStorm")).as("web tasks that failed on the way").isEqualTo(0);
		}
	}

}

package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default run's node-loss check (issue 12.2): a 3-node swarm on this machine
 * (deploy/cluster.sh, the same stack file, two balancers behind a virtual IP), a node that holds
 * no balancer crashes under the drill's load through the virtual IP (engine and containers
 * SIGKILLed, link cut) and comes back: not one request may fail, and the cluster must be whole
 * again afterwards (every task settled, both balancers serving every replica). The other drills
 * (drain, balancer and balancer-node loss, HAProxy and Consul maintenance on three nodes) run with
 * docs/multi-node/run-all.sh, which writes docs/multi-node-report.md.
 */
@SystemTest
class NodeLossSystemIT {

	/** The drill's script and the summary line its load writes (docs/multi-node/probe.sh). */
	static final Path DRILL = Project.ROOT.resolve("docs/multi-node/drill.sh");

	static final Pattern SUMMARY = Pattern
		.compile("^PROBE SUMMARY requests=(\\d+) failed=(\\d+) max_gap_between_ok_ms=(\\d+)", Pattern.MULTILINE);

	static final Pattern CRASH = Pattern.compile("^EVENT t=\\d+ crash node (n\\d)$", Pattern.MULTILINE);

	static final Pattern RAW_FILE = Pattern.compile("^raw: (\\S+)$", Pattern.MULTILINE);

	/** How long the drill's load runs; the node comes back halfway. */
	static final String DRILL_SECONDS = "60";

	@Test
	void aNodeWithoutABalancerCrashesUnderLoadAndNoRequestFails() {
		try {
			SwarmStack.script(Duration.ofMinutes(20), "cluster.sh", "up");
			// The drill: up to a minute to spread the replicas, 60 s of load, up to 5 min for a swarm leader.
			String drill = Shell.run(Duration.ofMinutes(10),
					Map.of("DRILL_OUT", Project.REPORTS.resolve("multi-node").toString()), "bash", DRILL.toString(),
					"plain-node", DRILL_SECONDS);
			Matcher rawFile = RAW_FILE.matcher(drill);
			assertThat(rawFile.find()).as("the drill names its raw file: %s", drill).isTrue();
			String raw = read(Path.of(rawFile.group(1)));
			Matcher summary = SUMMARY.matcher(raw);
			assertThat(summary.find()).as("the load's summary in %s", rawFile.group(1)).isTrue();
			long requests = Long.parseLong(summary.group(1));
			long failed = Long.parseLong(summary.group(2));
			Map<String, Object> figures = new LinkedHashMap<>();
			figures.put("requests", requests);
			figures.put("failed", failed);
			figures.put("longestGapBetweenAnswersMillis", Long.parseLong(summary.group(3)));
			figures.put("events", raw.lines().filter((l) -> l.startsWith("EVENT")).toList());
			figures.put("raw", rawFile.group(1));
			Report.write("node without a balancer crashed (3-node swarm)", figures);

			assertThat(raw.lines()).as("the drill's events").anyMatch((l) -> l.matches("EVENT t=\\d+ crash done"))
				.anyMatch((l) -> l.matches("EVENT t=\\d+ node n\\d engine answers"))
				.noneMatch((l) -> l.contains(" FAILED: "));
			assertThat(raw.lines()).as("the crashed node held a web task before the crash")
				.anyMatch((l) -> l.startsWith("PLACEMENT before: ") && crashedNodeHeldWeb(raw, l));
			assertThat(requests).as("requests of the drill's load").isGreaterThan(100);
			assertThat(failed).as("failed requests while a node crashed and came back").isZero();
			SwarmStack.script(Duration.ofMinutes(6), "cluster.sh", "up", "--timeout", "300");
		}
		finally {
			SwarmStack.tryScript(Duration.ofMinutes(5), "cluster.sh", "down");
		}
	}

	/** Whether the node of "EVENT t=... crash node nN" appears as "web.K@nN" in that placement line. */
	private static boolean crashedNodeHeldWeb(String raw, String placement) {
		Matcher crash = CRASH.matcher(raw);
		return crash.find() && placement.matches(".* web\\.\\d+@" + crash.group(1) + "( .*|$)");
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

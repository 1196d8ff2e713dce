package org.example.web.system;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.sun.management.OperatingSystemMXBean;
import org.example.web.support.Project;
import org.example.web.support.Shell;

/**
 * Which run a report comes from, and on what: one per JVM (a Maven run of the system tests),
 * captured once when the run starts, written under {@code "run"} into every JSON report and into
 * the header of the markdown. The JSON is flat and plain, so that a script can write the same
 * (the benchmark's deploy/bench/run-info.sh does):
 *
 * <pre>
 * "run": {
 *   "runId": "20261125T142233Z-4711",        // start (UTC, ISO basic) + "-" + process id
 *   "startedAt": "2026-11-25T14:22:33Z",     // ISO-8601, UTC, seconds
 *   "gitCommit": "6d45df6...",               // git rev-parse HEAD; "unknown" outside a checkout
 *   "gitDirty": false,                       // tracked files differ from it: git status --porcelain
 *                                            //   --untracked-files=no prints anything; null if unknown
 *   "cores": 2,                              // processors this process may use (nproc)
 *   "memoryBytes": 25769803776,              // MemTotal of /proc/meminfo, in bytes
 *   "kernel": "6.12.48+deb13-amd64",         // uname -r
 *   "loadAverage": [0.42, 0.3, 0.25],        // /proc/loadavg: 1, 5, 15 minutes, at the start
 *   "dockerServerVersion": "20.10.24+dfsg1", // docker version -f '{{.Server.Version}}'; "unknown"
 *   "dockerUserlandProxy": "off"             // the engine's userland-proxy setting, "on", "off" or
 *                                            //   "unknown": deploy/lib/common.sh, userland_proxy
 * }
 * </pre>
 */
record RunInfo(String runId, String startedAt, String gitCommit, Boolean gitDirty, int cores, long memoryBytes,
		String kernel, List<Double> loadAverage, String dockerServerVersion, String dockerUserlandProxy) {

	static final String UNKNOWN = "unknown";

	private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	/** This run's: captured by the first call (the start of the run), the same ever after. */
	static RunInfo current() {
		return Current.INFO;
	}

	/** The run id for a start time and a process: sorts by time, unique per process. */
	static String runId(Instant startedAt, long pid) {
		return BASIC.format(startedAt) + "-" + pid;
	}

	/** The figures of this machine and checkout, now. */
	static RunInfo capture() {
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		String root = Project.ROOT.toString();
		return new RunInfo(runId(now, ProcessHandle.current().pid()), now.toString(),
				output("git", "-C", root, "rev-parse", "HEAD").orElse(UNKNOWN),
				output("git", "-C", root, "status", "--porcelain", "--untracked-files=no").map((s) -> !s.isEmpty())
					.orElse(null),
				Runtime.getRuntime().availableProcessors(), totalMemoryBytes(), System.getProperty("os.version"),
				loadAverageNow(), output("docker", "version", "--format", "{{.Server.Version}}").filter((s) -> !s.isEmpty())
					.orElse(UNKNOWN),
				// deploy/lib/common.sh's userland_proxy, which the benchmark's run-info.sh runs too.
				output("bash", "-c", Project.withDeployLib("userland_proxy")).filter((s) -> !s.isEmpty())
					.orElse(UNKNOWN));
	}

	/** The short commit, with "(dirty)" when the tree differed from it. */
	String commit() {
		String shortId = this.gitCommit.substring(0, Math.min(12, this.gitCommit.length()));
		return shortId + (Boolean.TRUE.equals(this.gitDirty) ? " (dirty)" : "");
	}

	/** One line for a report's header. */
	String machine() {
		return "%d cores, %.1f GiB, kernel %s, load %s at the start, Docker %s (userland proxy %s)".formatted(
				this.cores, this.memoryBytes / (1024.0 * 1024 * 1024), this.kernel,
				String.join(" ", this.loadAverage.stream().map(String::valueOf).toList()), this.dockerServerVersion,
				this.dockerUserlandProxy);
	}

	/** What the command printed (stripped), if it ran and exited 0. */
	private static Optional<String> output(String... command) {
		try {
			Shell.Result result = Shell.tryRun(Duration.ofSeconds(10), command);
			return (result.exitCode() == 0) ? Optional.of(result.output().strip()) : Optional.empty();
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	private static long totalMemoryBytes() {
		try {
			return Files.readAllLines(Path.of("/proc/meminfo"))
				.stream()
				.filter((line) -> line.startsWith("MemTotal:"))
				.map((line) -> Long.parseLong(line.replaceAll("\\D", "")) * 1024)
				.findFirst()
				.orElseThrow();
		}
		catch (IOException | RuntimeException ex) {
			return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getTotalMemorySize();
		}
	}

	private static List<Double> loadAverageNow() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return Arrays.stream(fields, 0, 3).map(Double::valueOf).toList();
		}
		catch (IOException | RuntimeException ex) {
			return List.of(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
		}
	}

	/** Holder: captured when first asked for. */
	private static final class Current {

		static final RunInfo INFO = capture();

	}

}

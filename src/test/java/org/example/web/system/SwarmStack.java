package org.example.web.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;

/**
 * The real stack on the local swarm, driven through the project's own scripts (deploy/up.sh,
 * deploy/down.sh) and the docker CLI. Traffic goes only to 127.0.0.1 and the stack's containers.
 */
final class SwarmStack implements AutoCloseable {

	static final String STACK = System.getProperty("stack.name", "web");

	static final String PUBLIC = "http://127.0.0.1:8080";

	static final String OPERATOR = "http://127.0.0.1:8404";

	private static final Path ROOT = Path.of(System.getProperty("project.root", "."));

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private SwarmStack() {
	}

	/** A fresh stack: anything left from an earlier run is removed, Consul data included. */
	static SwarmStack deploy() {
		script(Duration.ofMinutes(3), "down.sh", "--purge");
		long start = System.nanoTime();
		script(Duration.ofMinutes(8), "up.sh", "--replicas", "3");
		double seconds = (System.nanoTime() - start) / 1e9;
		Report.write("deploy", java.util.Map.of("upShSecondsToAllReady", LoadSummary.round(seconds)));
		return new SwarmStack();
	}

	static String script(Duration timeout, String name, String... args) {
		String[] command = new String[args.length + 2];
		command[0] = "bash";
		command[1] = ROOT.resolve("deploy").resolve(name).toString();
		System.arraycopy(args, 0, command, 2, args.length);
		return Shell.run(timeout, command);
	}

	// --- web replicas -------------------------------------------------------------------------

	void scale(int replicas) {
		Shell.run("docker", "service", "scale", "--detach", STACK + "_web=" + replicas);
	}

	/** Scales and waits until HAProxy has exactly that many web servers UP. */
	void scaleAndWait(int replicas) {
		scale(replicas);
		awaitServersUp(replicas, Duration.ofMinutes(3));
	}

	void awaitServersUp(int replicas, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> haproxyServersUp() == replicas
				&& webContainers().size() == replicas);
	}

	/** Ids (= host names) of the running web containers. */
	List<String> webContainers() {
		return containers("web");
	}

	List<String> containers(String service) {
		String out = Shell.run("docker", "ps", "-q", "--filter",
				"label=com.docker.swarm.service.name=" + STACK + "_" + service);
		return Arrays.stream(out.split("\\s+")).filter((s) -> !s.isBlank()).toList();
	}

	/** How many servers of backend "web" HAProxy reports UP (its stats CSV). */
	int haproxyServersUp() {
		String csv = get(OPERATOR + "/stats;csv").body();
		return (int) csv.lines()
			.map((line) -> line.split(","))
			.filter((f) -> f.length > 17 && f[0].equals("web") && f[1].matches("web\\d+") && f[17].equals("UP"))
			.count();
	}

	/** The moment the instance logged that it was ready ("Started WebApplication"), from its own log. */
	Instant readyAt(String container) {
		return logInstant(container, "Started WebApplication");
	}

	private Instant logInstant(String container, String marker) {
		String line = Shell.run("docker", "logs", container)
			.lines()
			.filter((l) -> l.contains(marker))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no '" + marker + "' in the log of " + container));
		return LogFollower.timestampOf(line);
	}

	// --- Consul --------------------------------------------------------------------------------

	/** Runs a command in a running Consul server container (any one that answers). */
	String consul(String... command) {
		RuntimeException last = null;
		for (String container : containers("consul")) {
			String[] full = new String[command.length + 3];
			full[0] = "docker";
			full[1] = "exec";
			full[2] = container;
			System.arraycopy(command, 0, full, 3, command.length);
			Shell.Result result = Shell.tryRun(Duration.ofSeconds(10), full);
			if (result.exitCode() == 0) {
				return result.output();
			}
			last = new IllegalStateException(String.join(" ", full) + ": " + result.output());
		}
		throw (last != null) ? last : new IllegalStateException("no Consul server container");
	}

	/** The node name of the raft leader, if there is one. */
	Optional<String> leader() {
		try {
			return raftPeers().stream().filter((p) -> p[2].equals("leader")).map((p) -> p[0]).findFirst();
		}
		catch (RuntimeException ex) {
			return Optional.empty();
		}
	}

	long voters() {
		return raftPeers().stream().filter((p) -> p[3].equals("true")).count();
	}

	/** Rows of `consul operator raft list-peers` as [node, address, state, voter]. */
	private List<String[]> raftPeers() {
		return consul("consul", "operator", "raft", "list-peers")
			.lines()
			.skip(1)
			.map((line) -> line.trim().split("\\s+"))
			.filter((f) -> f.length >= 6)
			.map((f) -> new String[] { f[0], f[2], f[3], f[4] })
			.toList();
	}

	/** The container of the Consul server with that node name (consul-N runs in slot N). */
	String consulContainer(String node) {
		String slot = node.substring(node.lastIndexOf('-') + 1);
		String out = Shell.run("docker", "ps", "-q", "--filter", "name=" + STACK + "_consul." + slot + ".");
		return out.trim();
	}

	/** Kills (SIGKILL) the Consul server that leads and returns the seconds until another one leads. */
	double killLeaderAndAwaitNew() {
		String leader = leader().orElseThrow(() -> new AssertionError("no Consul leader to kill"));
		long killedAt = System.currentTimeMillis();
		Shell.run("docker", "kill", consulContainer(leader));
		await().atMost(Duration.ofMinutes(1))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> leader().filter((l) -> !l.equals(leader)).isPresent());
		return (System.currentTimeMillis() - killedAt) / 1000.0;
	}

	void awaitHealthyConsul(Duration timeout) {
		await().atMost(timeout)
			.pollInterval(Duration.ofSeconds(1))
			.ignoreExceptions()
			.until(() -> leader().isPresent() && voters() == 3);
	}

	// --- HTTP ------------------------------------------------------------------------------------

	static HttpResponse<String> get(String url) {
		try {
			return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		if (!Boolean.getBoolean("stack.keep")) {
			script(Duration.ofMinutes(3), "down.sh", "--purge");
		}
	}

}

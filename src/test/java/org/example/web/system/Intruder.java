package org.example.web.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.support.Shell;

/**
 * A throwaway container of the Consul image on the stack's overlay network ({@code docker run
 * --network <stack>_backend}): what an attacker who got a container onto that network has. Named
 * {@code sec-it-NAME}; {@link #close()} stops it (an agent in it leaves the cluster), removes it
 * and prunes its node from Consul's member list; {@link #removeLeftovers()} does the same for any
 * that a killed run left.
 */
final class Intruder implements AutoCloseable {

	static final String PREFIX = "sec-it-";

	static final String IMAGE = "local/consul:1.8.7";

	private final String name;

	private final SwarmStack stack;

	private Intruder(String name, SwarmStack stack) {
		this.name = name;
		this.stack = stack;
	}

	/**
	 * Starts {@code sh -c SCRIPT} in a new container sec-it-NAME on the stack's network, as root
	 * (the secrets it is given are root-only files). {@code mounts}: host path to container path,
	 * read-only ("/host/file:/in/container").
	 */
	static Intruder start(SwarmStack stack, String name, String script, String... mounts) {
		Intruder intruder = new Intruder(PREFIX + name, stack);
		intruder.close();
		List<String> command = new ArrayList<>(List.of("docker", "run", "-d", "--name", intruder.name, "--hostname",
				intruder.name, "--user", "0", "--network", SwarmStack.NAME + "_backend", "--label", "sec-it=true"));
		for (String mount : mounts) {
			command.addAll(List.of("-v", mount + ":ro"));
		}
		command.addAll(List.of("--entrypoint", "sh", IMAGE, "-c", script));
		try {
			Shell.run(command.toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			intruder.close();
			throw ex;
		}
		return intruder;
	}

	String name() {
		return this.name;
	}

	/** Its address on the stack's network. */
	String address() {
		return Shell.run("docker", "inspect", "-f", "{{(index .NetworkSettings.Networks \"" + SwarmStack.NAME
				+ "_backend\").IPAddress}}", this.name).strip();
	}

	/** {@code sh -c SCRIPT} inside it: exit code and output. */
	Shell.Result sh(String script) {
		return Shell.tryRun(Duration.ofSeconds(60), "docker", "exec", this.name, "sh", "-c", script);
	}

	/**
	 * Writes the header "X-Consul-Token: TOKEN" from the mounted secret {@code /secrets/NAME} to
	 * {@code /dev/shm/HEADER} (for curl's {@code -H @file}: the token is never on a command line);
	 * fails when the secret is missing or empty, so that no check runs with an empty token.
	 */
	void tokenHeader(String name, String header) {
		Shell.Result result = sh("test -s /secrets/" + name + " && printf 'X-Consul-Token: %s\\n' \"$(cat /secrets/" + name
				+ ")\" > /dev/shm/" + header);
		if (result.exitCode() != 0) {
			throw new IllegalStateException("no token in /secrets/" + name + " of " + this.name + ": " + result.output());
		}
	}

	String logs() {
		return Shell.tryRun(Duration.ofSeconds(20), "docker", "logs", this.name).output();
	}

	@Override
	public void close() {
		remove(this.name, this.stack);
	}

	private static void remove(String container, SwarmStack stack) {
		if (Shell.tryRun(Duration.ofSeconds(10), "docker", "inspect", container).exitCode() != 0) {
			return;
		}
		// SIGTERM first: a Consul client agent leaves the cluster (leave_on_terminate defaults to true for clients).
		Shell.tryRun(Duration.ofSeconds(30), "docker", "stop", "--time", "10", container);
		Shell.tryRun(Duration.ofSeconds(30), "docker", "rm", "-f", container);
		if (stack != null) {
			// An agent that joined stays listed as "left" for a day; prune it (nothing if it never joined).
			SwarmStack.tryScript(Duration.ofSeconds(30), "consul.sh", "force-leave", "-prune", container);
		}
	}

	/** Removes every container of this kind that a killed run left behind. */
	static void removeLeftovers(SwarmStack stack) {
		String out = Shell.run("docker", "ps", "-a", "--filter", "label=sec-it=true", "--format", "{{.Names}}");
		out.lines().filter((n) -> n.startsWith(PREFIX)).forEach((n) -> remove(n, stack));
	}

}

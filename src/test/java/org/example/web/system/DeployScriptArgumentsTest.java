package org.example.web.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/architecture.md: every script of deploy/ checks its arguments first; a bad one exits 2
 * with the usage and a message naming it, before anything is done. Runs with the unit tests: the
 * commands a script would change the machine with (docker, apt-get, ip, ...) are stubs that fail
 * on the PATH given to it, so a script that stopped checking would fail here, not act.
 */
class DeployScriptArgumentsTest {

	/** deploy/consul.sh hands every argument to the consul CLI, which judges them itself. */
	private static final List<String> PASS_THROUGH = List.of("consul.sh");

	private static final List<String> STUBBED = List.of("docker", "dockerd", "apt-get", "systemctl", "ip", "curl", "wrk",
			"java", "nsenter", "unshare");

	private static final String BAD = "--no-such-option";

	@Test
	void aBadArgumentExits2WithTheUsageAndItsName(@TempDir Path work) throws IOException {
		Map<String, String> environment = stubbedEnvironment(work);
		List<Path> scripts;
		try (Stream<Path> files = Files.list(Project.ROOT.resolve("deploy"))) {
			scripts = files.filter((p) -> p.getFileName().toString().endsWith(".sh"))
				.filter((p) -> !PASS_THROUGH.contains(p.getFileName().toString()))
				.sorted()
				.toList();
		}
		assertThat(scripts).hasSizeGreaterThan(10);
		for (Path script : scripts) {
			Shell.Result result = Shell.tryRun(Duration.ofSeconds(30), environment, "bash", script.toString(), BAD);
			assertThat(result.exitCode()).as("%s %s: exit code (%s)", script.getFileName(), BAD, result.output()).isEqualTo(2);
			assertThat(result.output()).as("%s %s", script.getFileName(), BAD).contains("usage:").contains(BAD);
		}
	}

	/** Bad values and missing or extra arguments: the message names what is wrong. */
	@ParameterizedTest(name = "{0} {1}")
	@CsvSource(delimiter = '|', textBlock = """
			up.sh                       | --replicas abc          | --replicas must be a whole number from 1 to 20 (HAProxy has 20 slots), got 'abc'
			up.sh                       | --replicas 21           | --replicas must be a whole number from 1 to 20 (HAProxy has 20 slots), got '21'
			up.sh                       | --replicas 010          | --replicas must be a whole number from 1 to 20 (HAProxy has 20 slots), got '010'
			up.sh                       | --replicas              | --replicas needs a value
			up.sh                       | --timeout 0             | --timeout must be a whole number 1 or more (seconds), got '0'
			bench.sh                    | --duration 121          | --duration must be a whole number from 1 to 120 (seconds), got '121'
			bench.sh                    | --reps 0                | --reps must be a whole number from 1 to 9, got '0'
			bench.sh                    | --trials many           | --trials must be a whole number from 1 to 9, got 'many'
			bench.sh                    | --out --smoke           | --out needs a value
			cluster.sh                  | ''                      | an action is needed
			cluster.sh                  | dance                   | unknown action: dance
			cluster.sh                  | up --replicas 0         | --replicas must be a whole number from 1 to 20 (HAProxy has 20 slots), got '0'
			cluster.sh                  | status now              | unknown argument: now
			cluster-node.sh             | stop                    | two arguments
			cluster-node.sh             | jump 1                  | unknown action: jump
			rotate-gossip-key.sh        | --timeout -5            | --timeout needs a value
			rotate-operator-password.sh | --timeout 1.5           | --timeout must be a whole number 1 or more (seconds), got '1.5'
			haproxy-config.sh           | /no/such/file.cfg       | cannot read /no/such/file.cfg
			haproxy.sh                  | ''                      | the runtime API command is missing
			haproxy.sh                  | show info               | the command is one argument
			status.sh                   | --servers-up --servers-up | one option at most
			consul.sh                   | ''                      | the consul command to run is missing
			""")
	void aBadValueExits2WithTheUsageAndWhatIsWrong(String script, String arguments, String message, @TempDir Path work)
			throws IOException {
		List<String> command = new ArrayList<>(List.of("bash", Project.ROOT.resolve("deploy/" + script).toString()));
		command.addAll(arguments.isBlank() ? List.of() : List.of(arguments.split(" ")));
		Shell.Result result = Shell.tryRun(Duration.ofSeconds(30), stubbedEnvironment(work), command.toArray(String[]::new));
		assertThat(result.exitCode()).as("%s %s: exit code (%s)", script, arguments, result.output()).isEqualTo(2);
		assertThat(result.output()).as("%s %s", script, arguments).contains("usage:").contains(message);
	}

	/**
	 * An environment in which the commands a script would change the machine with are stubs that
	 * fail, and secrets and the stack are the test's own.
	 */
	private static Map<String, String> stubbedEnvironment(Path work) throws IOException {
		Path stubs = Files.createDirectories(work.resolve("bin"));
		for (String command : STUBBED) {
			Shell.writeScript(stubs.resolve(command), "echo \"stub: $0 must not run here\" >&2", "exit 99");
		}
		return Map.of("PATH", stubs + ":" + System.getenv("PATH"), "SECRETS_DIR", work.resolve("secrets").toString(),
				"STACK", "argument-test");
	}

}

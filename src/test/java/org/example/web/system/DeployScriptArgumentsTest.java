package org.example.web.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
		Path stubs = Files.createDirectories(work.resolve("bin"));
		for (String command : STUBBED) {
			Path stub = stubs.resolve(command);
			Files.writeString(stub, "#!/bin/sh\necho \"stub: $0 must not run here\" >&2\nexit 99\n");
			Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
		}
		Map<String, String> environment = Map.of("PATH", stubs + ":" + System.getenv("PATH"), "SECRETS_DIR",
				work.resolve("secrets").toString(), "STACK", "argument-test");
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

}

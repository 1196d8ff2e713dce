package org.example.web.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reports name the engine's userland-proxy setting (RunInfo, the benchmark's run-info.sh):
 * deploy/lib/common.sh's userland_proxy reads it as dockerd would. Runs it against a made-up
 * dockerd (a copy of bash named so, waiting, with the arguments of each case), its pid file and
 * configuration files in a directory of the test's own.
 */
class UserlandProxyTest {

	@TempDir
	Path work;

	private Path dockerd;

	@BeforeEach
	void prepare() throws IOException {
		this.dockerd = this.work.resolve("dockerd");
		Files.copy(Path.of(Shell.run("bash", "-c", "command -v bash").strip()), this.dockerd);
	}

	@Test
	void theCommandLineCountsAsDockerdReadsIt() throws IOException {
		assertThat(settingOf(null, "--userland-proxy=false")).isEqualTo("off");
		assertThat(settingOf(null, "--userland-proxy=0")).isEqualTo("off");
		assertThat(settingOf(null, "--userland-proxy")).isEqualTo("on");
		assertThat(settingOf(null, "--userland-proxy=false", "--userland-proxy=true")).isEqualTo("on");
		assertThat(settingOf(null, "--userland-proxy=maybe")).isEqualTo("unknown");
		assertThat(settingOf(config("{\"userland-proxy\": false}"), "--userland-proxy=1")).isEqualTo("on");
	}

	@Test
	void withoutTheFlagTheConfigurationFileCountsElseDockersDefault() throws IOException {
		assertThat(settingOf(null)).isEqualTo("on");
		assertThat(settingOf(config("{ \"userland-proxy\" : false }"))).isEqualTo("off");
		Path other = Files.writeString(this.work.resolve("other.json"), "{\"userland-proxy\": false}");
		assertThat(settingOf(config("{}"), "--config-file", other.toString())).isEqualTo("off");
		assertThat(settingOf(config("{}"), "--config-file=" + other)).isEqualTo("off");
	}

	@Test
	void unknownWithoutARunningDockerdOrForAnotherEngine() {
		assertThat(userlandProxy(Map.of("DOCKERD_PIDFILE", this.work.resolve("none.pid").toString()))).isEqualTo("unknown");
		// A pid file left behind by a dockerd that is gone, the pid now another program's.
		assertThat(userlandProxy(Map.of("DOCKERD_PIDFILE", writePid(ProcessHandle.current().pid())))).isEqualTo("unknown");
		assertThat(userlandProxy(Map.of("DOCKER_HOST", "tcp://10.0.0.1:2376"))).isEqualTo("unknown");
	}

	/** The setting a dockerd started with these arguments (and this daemon.json) has. */
	private String settingOf(Path daemonJson, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of(this.dockerd.toString(), "-c", "sleep 60; :"));
		command.addAll(List.of(arguments));
		Process fake = new ProcessBuilder(command).start();
		try {
			return userlandProxy(Map.of("DOCKERD_PIDFILE", writePid(fake.pid()), "DOCKERD_CONFIG",
					(daemonJson != null) ? daemonJson.toString() : this.work.resolve("absent.json").toString()));
		}
		finally {
			fake.destroyForcibly();
		}
	}

	private Path config(String json) throws IOException {
		return Files.writeString(this.work.resolve("daemon.json"), json);
	}

	private String writePid(long pid) {
		try {
			return Files.writeString(this.work.resolve("docker.pid"), String.valueOf(pid)).toString();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String userlandProxy(Map<String, String> environment) {
		Map<String, String> withDefaults = new HashMap<>(Map.of("DOCKER_HOST", ""));
		withDefaults.putAll(environment);
		return Shell.run(Duration.ofSeconds(10), withDefaults, "bash", "-c", Project.withDeployLib("userland_proxy"))
			.strip();
	}

}

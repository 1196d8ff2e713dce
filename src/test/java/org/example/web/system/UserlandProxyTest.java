package org.example.web.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 * configuration files in a directory of the test's own, passed to the function as another
 * engine's files.
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
	void theCommandLineCountsAsDockerdReadsIt() throws Exception {
		assertThat(settingOf(null, "--userland-proxy=false")).isEqualTo("off");
		assertThat(settingOf(null, "--userland-proxy=0")).isEqualTo("off");
		assertThat(settingOf(null, "--userland-proxy")).isEqualTo("on");
		assertThat(settingOf(null, "--userland-proxy=false", "--userland-proxy=true")).isEqualTo("on");
		assertThat(settingOf(null, "--userland-proxy=maybe")).isEqualTo("unknown");
		assertThat(settingOf(null, "--userland-proxy=")).isEqualTo("unknown");
	}

	@Test
	void withoutTheFlagTheConfigurationFileCountsElseDockersDefault() throws Exception {
		assertThat(settingOf(null)).isEqualTo("on");
		assertThat(settingOf(config("{ \"userland-proxy\" : false }"))).isEqualTo("off");
		Path other = Files.writeString(this.work.resolve("other.json"), "{\"userland-proxy\": false}");
		assertThat(settingOf(config("{}"), "--config-file", other.toString())).isEqualTo("off");
		assertThat(settingOf(config("{}"), "--config-file=" + other)).isEqualTo("off");
	}

	@Test
	void unknownWithoutARunningDockerdOrForAnotherEngine() throws Exception {
		Path absent = this.work.resolve("absent.json");
		assertThat(userlandProxy(this.work.resolve("none.pid"), absent, "")).isEqualTo("unknown");
		// A pid file left behind by a dockerd that is gone, the pid now another program's.
		assertThat(userlandProxy(writePid(ProcessHandle.current().pid()), absent, "")).isEqualTo("unknown");
		// The docker CLI talks to another engine than the one of the pid file.
		assertThat(settingOf("tcp://10.0.0.1:2376", null, "--userland-proxy=false")).isEqualTo("unknown");
	}

	/**
	 * The setting a dockerd started with these arguments (and this daemon.json) has. The made-up
	 * dockerd says "ready" once it runs under its name and arguments, and ends when its input
	 * closes: no process of it outlives the case.
	 */
	private String settingOf(Path daemonJson, String... arguments) throws IOException, InterruptedException {
		return settingOf("", daemonJson, arguments);
	}

	/** The same, with DOCKER_HOST set to this ("": not set). */
	private String settingOf(String dockerHost, Path daemonJson, String... arguments)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(this.dockerd.toString(), "-c", "echo ready; read -r _"));
		command.addAll(List.of(arguments));
		Process fake = new ProcessBuilder(command).redirectErrorStream(true).start();
		try (BufferedReader out = new BufferedReader(new InputStreamReader(fake.getInputStream()))) {
			assertThat(out.readLine()).isEqualTo("ready");
			return userlandProxy(writePid(fake.pid()),
					(daemonJson != null) ? daemonJson : this.work.resolve("absent.json"), dockerHost);
		}
		finally {
			fake.getOutputStream().close();
			fake.destroyForcibly();
			fake.waitFor(10, TimeUnit.SECONDS);
		}
	}

	private Path config(String json) throws IOException {
		return Files.writeString(this.work.resolve("daemon.json"), json);
	}

	private Path writePid(long pid) {
		try {
			return Files.writeString(this.work.resolve("docker.pid"), String.valueOf(pid));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** deploy/lib/common.sh's userland_proxy for the engine of this pid file and configuration file. */
	private static String userlandProxy(Path pidFile, Path config, String dockerHost) {
		return Shell
			.run(Duration.ofSeconds(10),
					Map.of("PID_FILE", pidFile.toString(), "CONFIG", config.toString(), "DOCKER_HOST", dockerHost),
					"bash", "-c", Project.withDeployLib("userland_proxy \"$PID_FILE\" \"$CONFIG\""))
			.strip();
	}

}

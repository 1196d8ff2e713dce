package org.example.web.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README: the scripts find a JDK of the minimum version or newer ($JAVA_HOME, javac on PATH, the
 * installed JDKs) and say clearly what is missing. Runs deploy/lib/java.sh's use_jdk against made-up
 * JDKs (scripts that report a version) in a directory of the test's own, with no JDK on the PATH and
 * none inherited from Maven.
 */
class JdkDiscoveryTest {

	/** What the scripts need besides bash builtins; javac is deliberately not among them. */
	private static final List<String> TOOLS = List.of("dirname", "readlink", "awk");

	@TempDir
	Path work;

	private Path jdks;

	private int minimum;

	@BeforeEach
	void prepare() throws IOException {
		this.jdks = Files.createDirectories(this.work.resolve("jvm"));
		Path bin = Files.createDirectories(this.work.resolve("bin"));
		for (String tool : TOOLS) {
			String found = Shell.run("bash", "-c", "command -v " + tool).strip();
			Shell.writeScript(bin.resolve(tool), "exec '" + found + "' \"$@\"");
		}
		this.minimum = Integer.parseInt(useJdk(null, "echo $JAVA_MIN_VERSION").output().strip());
	}

	@Test
	void noJdkAtAllStopsNamingWhereItLookedAndWhatToInstall() {
		Shell.Result result = useJdk(null, "use_jdk");
		assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
		assertThat(result.output())
			.contains("ERROR: no JDK >= " + this.minimum + " found (looked at $JAVA_HOME, javac on PATH and "
					+ this.jdks + "/*)")
			.contains("apt-get install openjdk-" + this.minimum + "-jdk-headless")
			.doesNotContain("too old");
	}

	@Test
	void jdksOlderThanTheMinimumAreNamedWithTheirVersions() throws IOException {
		Path javaHome = fakeJdk(this.work.resolve("home-jdk"), this.minimum - 4);
		Path installed = fakeJdk(this.jdks.resolve("old-jdk"), this.minimum - 1);
		Shell.Result result = useJdk(javaHome, "use_jdk");
		assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
		assertThat(result.output()).contains("too old: " + javaHome.toRealPath() + " (" + (this.minimum - 4) + "), "
				+ installed.toRealPath() + " (" + (this.minimum - 1) + ")");
	}

	/** javac on the PATH and $JAVA_HOME both lead to one installed JDK: it is one JDK, named once. */
	@Test
	void aJdkFoundUnderSeveralNamesIsNamedOnce() throws IOException {
		Path installed = fakeJdk(this.jdks.resolve("old-jdk"), this.minimum - 1);
		Files.createSymbolicLink(this.work.resolve("bin/javac"), installed.resolve("bin/javac"));
		Files.createSymbolicLink(this.jdks.resolve("default-jdk"), installed);
		Shell.Result result = useJdk(installed, "use_jdk");
		assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
		assertThat(result.output()).contains("too old: " + installed.toRealPath() + " (" + (this.minimum - 1) + "))");
	}

	@Test
	void theFirstJdkOfTheMinimumVersionOrNewerIsUsed() throws IOException {
		Path javaHome = fakeJdk(this.work.resolve("home-jdk"), this.minimum - 4);
		fakeJdk(this.jdks.resolve("a-not-a-jdk"), 0);
		Path wanted = fakeJdk(this.jdks.resolve("b-jdk"), this.minimum);
		fakeJdk(this.jdks.resolve("c-jdk"), this.minimum + 4);
		Shell.Result result = useJdk(javaHome, "use_jdk && echo \"JAVA_HOME=$JAVA_HOME\"");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output().strip()).isEqualTo("JAVA_HOME=" + wanted.toRealPath());
	}

	/** A directory that looks like a JDK of this version to java.sh; version 0: java and no javac. */
	private static Path fakeJdk(Path home, int version) throws IOException {
		Path bin = Files.createDirectories(home.resolve("bin"));
		List<String> commands = (version == 0) ? List.of("java") : List.of("java", "javac");
		for (String command : commands) {
			Shell.writeScript(bin.resolve(command), "echo '    java.specification.version = " + version + "' >&2");
		}
		return home;
	}

	/** Runs the script after sourcing java.sh, with only the test's tools on the PATH. */
	private Shell.Result useJdk(Path javaHome, String script) {
		List<String> command = new ArrayList<>(List.of("/usr/bin/env", "-u", "JAVA_HOME", "-u", "MAVEN_OPTS",
				"PATH=" + this.work.resolve("bin"), "JDK_DIR=" + this.jdks));
		if (javaHome != null) {
			command.add("JAVA_HOME=" + javaHome);
		}
		command.addAll(List.of("/bin/bash", "-c", Project.withDeployLib(script, "java.sh")));
		return Shell.tryRun(Duration.ofSeconds(30), command.toArray(String[]::new));
	}

}

package org.example.web.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.example.web.support.Project;
import org.example.web.support.Shell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks prometheus/ (prometheus.yml, alerts.yml, alerts.test.yml) with promtool, in the same
 * Prometheus image the stack runs (local/prometheus:2.53, built by
 * deploy/images/build-base-images.sh): the configuration and the rules load, and every alert
 * rule passes its unit tests. promtool's output goes to target/reports/alert-rule-tests.txt.
 * <p>
 * The container has no network: the discovery targets (file_sd, tasks.haproxy, tasks.consul)
 * are not resolved by a check, only validated. promtool does check that the files of
 * {@code credentials_file} exist: the stack's swarm secrets (Consul tokens) are stood in for by
 * files with a dummy token, mounted where the configuration expects them.
 */
class PrometheusConfigIT {

	private static final String IMAGE = System.getProperty("prometheus.image", "local/prometheus:2.53");

	private static final Path REPORT = Project.REPORTS.resolve("alert-rule-tests.txt");

	private static final List<String> report = new ArrayList<>();

	private static final Pattern CREDENTIALS_FILE = Pattern.compile("^\\s*credentials_file:\\s*(\\S+)\\s*$",
			Pattern.MULTILINE);

	@BeforeAll
	static void imageIsBuilt() {
		Shell.Result inspect = Shell.tryRun(Duration.ofSeconds(30), "docker", "image", "inspect", "--format", "{{.Id}}", IMAGE);
		assertThat(inspect.exitCode())
			.as("image %s is missing: build it with deploy/images/build-base-images.sh prometheus", IMAGE)
			.isZero();
	}

	@Test
	void configurationLoads() {
		assertSucceeds(promtool("check", "config", "prometheus.yml"));
	}

	@Test
	void rulesLoad() {
		assertSucceeds(promtool("check", "rules", "alerts.yml"));
	}

	@Test
	void alertRulesPassTheirUnitTests() {
		assertSucceeds(promtool("test", "rules", "alerts.test.yml"));
	}

	@AfterAll
	static void writeReport() throws IOException {
		Files.createDirectories(REPORT.getParent());
		Files.writeString(REPORT, String.join("\n", report), StandardCharsets.UTF_8);
	}

	private static void assertSucceeds(Shell.Result promtool) {
		assertThat(promtool.exitCode()).as(promtool.output()).isZero();
		assertThat(promtool.output()).contains("SUCCESS");
	}

	/** The token files prometheus.yml reads (credentials_file), each mounted as a dummy token. */
	private static List<String> tokenFileMounts() {
		try {
			Path dummy = Files.createTempFile("dummy", ".token");
			Files.writeString(dummy, "00000000-0000-0000-0000-000000000000\n");
			dummy.toFile().setReadable(true, false);
			Matcher files = CREDENTIALS_FILE
				.matcher(Files.readString(Project.ROOT.resolve("prometheus").resolve("prometheus.yml")));
			TreeSet<String> targets = new TreeSet<>();
			while (files.find()) {
				targets.add(files.group(1));
			}
			List<String> mounts = new ArrayList<>();
			targets.forEach((target) -> mounts.addAll(List.of("-v", dummy + ":" + target + ":ro")));
			return mounts;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** promtool ARGS in the image, with prometheus/ as its (read-only) working directory. */
	private static Shell.Result promtool(String... args) {
		List<String> command = new ArrayList<>(List.of("docker", "run", "--rm", "--network", "none", "-v",
				Project.ROOT.resolve("prometheus") + ":/etc/prometheus:ro"));
		command.addAll(tokenFileMounts());
		command.addAll(List.of("-w", "/etc/prometheus", "--entrypoint", "promtool", IMAGE));
		command.addAll(List.of(args));
		Shell.Result result = Shell.tryRun(Duration.ofSeconds(120), command.toArray(String[]::new));
		synchronized (report) {
			report.add("$ promtool " + String.join(" ", args) + "   (exit code " + result.exitCode() + ")\n"
					+ result.output().strip() + "\n");
		}
		return result;
	}

}

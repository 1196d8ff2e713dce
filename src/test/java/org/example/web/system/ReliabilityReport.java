package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.example.web.support.Json;
import org.example.web.support.Project;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The failure report of one run: per scenario a JSON file of figures (with a per-second
 * timeline) and a PNG timeline, in {@code target/reports/reliability} ({@code docs/reliability}
 * with -Pfull); and {@code reliability.md} next to that folder, which says which run it is, which
 * scenarios ran and how they ended, and which did not run.
 * <p>
 * A JUnit extension of the test class: when the class starts, the folder is emptied and the known
 * scenarios are its {@link ReliabilityScenario} methods; each gets a {@link ScenarioReport}
 * parameter; the markdown is rewritten whenever a scenario writes figures or ends. It is made from
 * what this run recorded, never from files found in the folder.
 */
final class ReliabilityReport implements BeforeAllCallback, AfterAllCallback, ParameterResolver, TestWatcher {

	static final Path DIR = Path.of(System.getProperty("reliability.dir", Project.REPORTS.resolve("reliability").toString()));

	static final Path MARKDOWN = DIR.resolveSibling("reliability.md");

	private static ReliabilityRun run;

	@Override
	public void beforeAll(ExtensionContext context) {
		start(context.getRequiredTestClass());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		context.getExecutionException().ifPresent((failure) -> update((r) -> r.classFailed(reason(failure))));
	}

	@Override
	public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
		return parameter.getParameter().getType() == ScenarioReport.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
		return new ScenarioReport(scenario(context)
			.orElseThrow(() -> new IllegalStateException(context.getDisplayName() + " has no @ReliabilityScenario")));
	}

	@Override
	public void testSuccessful(ExtensionContext context) {
		ended(context, "passed");
	}

	@Override
	public void testFailed(ExtensionContext context, Throwable cause) {
		ended(context, "FAILED: " + reason(cause));
	}

	@Override
	public void testAborted(ExtensionContext context, Throwable cause) {
		ended(context, "aborted: " + reason(cause));
	}

	@Override
	public void testDisabled(ExtensionContext context, Optional<String> reason) {
		ended(context, "disabled" + reason.map((r) -> ": " + r).orElse(""));
	}

	/** A new run: the files of an earlier one are removed, the markdown lists the known scenarios. */
	private static synchronized void start(Class<?> testClass) {
		removeEarlierRun(DIR, MARKDOWN);
		run = new ReliabilityRun(RunInfo.current(), KnownScenario.in(testClass));
		saveMarkdown();
	}

	/** Empties the folder (creates it if need be) and removes the markdown. */
	static void removeEarlierRun(Path folder, Path markdown) {
		try {
			Files.createDirectories(folder);
			try (Stream<Path> files = Files.list(folder)) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
			Files.deleteIfExists(markdown);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static synchronized void write(KnownScenario scenario, LoadSummary load, Map<String, Object> extra) {
		Map<String, Object> figures = new LinkedHashMap<>();
		figures.put("scenario", scenario.id());
		figures.put("title", scenario.title());
		figures.putAll(load.figures());
		figures.putAll(extra);
		Report.write(scenario.title(), figures);

		Map<String, Object> file = new LinkedHashMap<>();
		file.put("run", RunInfo.current());
		file.putAll(figures);
		file.put("timeline", load.timeline());
		Json.write(DIR.resolve(scenario.id() + ".json"), file);
		TimelineChart.save(scenario.title(), load, DIR.resolve(scenario.id() + ".png"));
		update((r) -> r.figures(scenario.id(), figures));
	}

	private static void ended(ExtensionContext context, String result) {
		scenario(context).ifPresent((s) -> update((r) -> r.result(s.id(), result)));
	}

	private static synchronized void update(Consumer<ReliabilityRun> change) {
		if (run == null) {
			throw new IllegalStateException("ReliabilityReport must extend the test class (@ExtendWith)");
		}
		change.accept(run);
		saveMarkdown();
	}

	private static void saveMarkdown() {
		try {
			Files.writeString(MARKDOWN, run.markdown(DIR.getFileName().toString()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Optional<KnownScenario> scenario(ExtensionContext context) {
		return context.getTestMethod().flatMap(KnownScenario::of);
	}

	/** The first line of what went wrong. */
	private static String reason(Throwable failure) {
		String message = (failure.getMessage() != null) ? failure.getMessage().strip() : "";
		String first = message.isEmpty() ? "" : message.lines().filter((l) -> !l.isBlank()).findFirst().orElse("");
		return failure.getClass().getSimpleName() + (first.isEmpty() ? "" : ": " + first);
	}

}

package org.example.web.system;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class KnownScenarioTest {

	@Test
	void aScenarioIsWhatItsTestMethodDeclares() {
		assertThat(KnownScenario.in(Declared.class)).containsExactly(new KnownScenario("1", "Fast one", false),
				new KnownScenario("2", "Slow one", true));
	}

	@Test
	void everyZeroLossTestIsAKnownScenarioWithItsOwnNumber() {
		Method[] tests = Arrays.stream(ZeroLossSystemIT.class.getDeclaredMethods())
			.filter((m) -> m.isAnnotationPresent(Test.class))
			.toArray(Method[]::new);
		assertThat(tests).allSatisfy((m) -> assertThat(KnownScenario.of(m)).as(m.getName()).isPresent());
		assertThat(KnownScenario.in(ZeroLossSystemIT.class)).hasSize(tests.length)
			.extracting(KnownScenario::id)
			.doesNotHaveDuplicates();
	}

	@Test
	void aNewRunRemovesTheFilesOfTheLastOne(@TempDir Path reports) throws Exception {
		Path folder = reports.resolve("reliability");
		Path markdown = reports.resolve("reliability.md");
		Files.createDirectories(folder);
		Files.writeString(folder.resolve("4.json"), "{}");
		Files.writeString(folder.resolve("4.png"), "png");
		Files.writeString(markdown, "# an earlier run");
		Files.writeString(reports.resolve("system-tests.json"), "{}");

		ReliabilityReport.removeEarlierRun(folder, markdown);

		assertThat(folder).isEmptyDirectory();
		assertThat(markdown).doesNotExist();
		assertThat(reports.resolve("system-tests.json")).as("not the reliability report's").exists();
		ReliabilityReport.removeEarlierRun(reports.resolve("new"), reports.resolve("new.md"));
		assertThat(reports.resolve("new")).isEmptyDirectory();
	}

	static class Declared {

		@Test
		@ReliabilityScenario(id = "2", title = "Slow one")
		@Tag("full")
		void slow() {
		}

		@Test
		@ReliabilityScenario(id = "1", title = "Fast one")
		void fast() {
		}

		@Test
		void notAScenario() {
		}

	}

}

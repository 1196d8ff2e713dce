package org.example.web.system;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * A scenario of the reliability report, as its test method declares it.
 *
 * @param full whether it is tagged "full" (slow; runs with -Pfull only)
 */
record KnownScenario(String id, String title, boolean full) {

	static Optional<KnownScenario> of(Method method) {
		return AnnotationSupport.findAnnotation(method, ReliabilityScenario.class)
			.map((s) -> new KnownScenario(s.id(), s.title(), AnnotationSupport
				.findRepeatableAnnotations(method, Tag.class)
				.stream()
				.anyMatch((tag) -> tag.value().equals("full"))));
	}

	/** Every scenario a test class declares, by number. */
	static List<KnownScenario> in(Class<?> testClass) {
		return Arrays.stream(testClass.getDeclaredMethods())
			.map(KnownScenario::of)
			.flatMap(Optional::stream)
			.sorted(Comparator.comparing(KnownScenario::id))
			.toList();
	}

}

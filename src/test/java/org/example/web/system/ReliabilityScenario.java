package org.example.web.system;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test method that is one scenario of the reliability report: its number and title. The test
 * class extends itself with {@link ReliabilityReport}, which lists every such method as a known
 * scenario and gives each a {@link ScenarioReport} parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface ReliabilityScenario {

	String id();

	String title();

}

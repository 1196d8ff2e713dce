package org.example.web.discovery;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.example.web.WebApplication;
import org.example.web.support.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A bad configuration value stops start-up with a message that names the property: set as a
 * property (command line, application.yaml) or through the environment variables the README
 * documents (CONSUL_PORT, APP_DISCOVERY_DRAIN_PERIOD, ...). Every example of a bad value the
 * README gives is here: a non-numeric port, an empty service name, a negative drain period.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationValidationTest {

	// Random ports; a Consul port where nothing answers (the service starts without Consul). The
	// Consul port goes through CONSUL_PORT, so that a bad CONSUL_PORT is not hidden by a property.
	private static final Map<String, String> GOOD_PROPERTIES = Map.of("server.port", "0", "management.server.port",
			String.valueOf(Ports.free()));

	private static final Map<String, String> GOOD_ENVIRONMENT = Map.of("CONSUL_PORT", "1");

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			server.port=abc                       | server.port
			management.server.port=x8182          | management.server.port
			spring.cloud.consul.port=abc          | spring.cloud.consul.port
			app.discovery.service-name=           | app.discovery.service-name
			app.discovery.drain-period=-1s        | app.discovery.drain-period
			app.discovery.drain-period=five       | app.discovery.drain-period
			app.discovery.reregister-interval=0s  | app.discovery.reregister-interval
			""")
	void badPropertyStopsStartupNamingIt(String setting, String named, CapturedOutput output) {
		assertThatException().isThrownBy(() -> start(with(GOOD_PROPERTIES, setting), GOOD_ENVIRONMENT));
		assertThat(output).contains("APPLICATION FAILED TO START").contains(named);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			CONSUL_PORT=abc                 | spring.cloud.consul.port
			APP_DISCOVERY_SERVICE_NAME=     | app.discovery.serviceName
			APP_DISCOVERY_DRAIN_PERIOD=-1s  | app.discovery.drainPeriod
			""")
	void badEnvironmentVariableStopsStartupNamingItAndItsProperty(String setting, String property,
			CapturedOutput output) {
		assertThatException().isThrownBy(() -> start(GOOD_PROPERTIES, with(GOOD_ENVIRONMENT, setting)));
		String variable = setting.substring(0, setting.indexOf('='));
		assertThat(output).contains("APPLICATION FAILED TO START").contains(variable).contains(property);
	}

	@Test
	void theDefaultsStart() {
		try (ConfigurableApplicationContext context = start(GOOD_PROPERTIES, GOOD_ENVIRONMENT)) {
			assertThat(context.getBean(DiscoveryProperties.class).drainPeriod()).isPositive();
		}
	}

	/** The settings, one of them replaced by "key=value". */
	private static Map<String, String> with(Map<String, String> settings, String setting) {
		Map<String, String> changed = new LinkedHashMap<>(settings);
		changed.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
		return changed;
	}

	/**
	 * Starts the service with these command-line properties and environment variables (added to
	 * this process's own, in the property source Spring Boot reads environment variables from).
	 */
	private static ConfigurableApplicationContext start(Map<String, String> properties, Map<String, String> variables) {
		String[] args = properties.entrySet().stream().map((p) -> "--" + p.getKey() + "=" + p.getValue()).toArray(String[]::new);
		return new SpringApplicationBuilder(WebApplication.class)
			.listeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) (event) -> addVariables(event.getEnvironment(), variables))
			.run(args);
	}

	private static void addVariables(ConfigurableEnvironment environment, Map<String, String> variables) {
		Map<String, Object> all = new HashMap<>(System.getenv());
		all.putAll(variables);
		String name = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
		environment.getPropertySources().replace(name, new SystemEnvironmentPropertySource(name, all));
	}

}

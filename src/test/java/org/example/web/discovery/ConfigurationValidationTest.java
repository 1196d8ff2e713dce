package org.example.web.discovery;

import java.util.Arrays;
import java.util.stream.Stream;

import org.example.web.WebApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/** A bad configuration value stops start-up with a message that names the property. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationValidationTest {

	// Random ports, and a Consul port where nothing answers (the service starts without Consul).
	private static final String[] ARGS = { "--spring.cloud.consul.port=1", "--server.port=0",
			"--management.server.port=" + WebInstance.freePort() };

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			server.port=abc                       | server.port
			management.server.port=x8182          | management.server.port
			app.discovery.service-name=           | app.discovery.service-name
			app.discovery.drain-period=-1s        | app.discovery.drain-period
			app.discovery.drain-period=five       | app.discovery.drain-period
			app.discovery.reregister-interval=0s  | app.discovery.reregister-interval
			""")
	void badValueStopsStartupNamingTheProperty(String setting, String property, CapturedOutput output) {
		SpringApplicationBuilder app = new SpringApplicationBuilder(WebApplication.class);
		String key = setting.substring(0, setting.indexOf('='));
		String[] args = Stream.concat(Arrays.stream(ARGS).filter((a) -> !a.startsWith("--" + key + "=")),
				Stream.of("--" + setting)).toArray(String[]::new);
		assertThatException().isThrownBy(() -> app.run(args));
		assertThat(output).contains("APPLICATION FAILED TO START").contains(property);
	}

	@Test
	void theDefaultsStart() {
		SpringApplicationBuilder app = new SpringApplicationBuilder(WebApplication.class);
		try (ConfigurableApplicationContext context = app.run(ARGS)) {
			assertThat(context.getBean(DiscoveryProperties.class).drainPeriod()).isPositive();
		}
	}

}

package org.example.web.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(RequestMetricsFilterTest.Routes.class)
@Import({ RequestMetricsFilterTest.Routes.class, RequestMetricsFilterTest.Meters.class })
class RequestMetricsFilterTest {

	@Autowired
	MockMvc mvc;

	@Autowired
	MeterRegistry registry;

	@Test
	void timesEachRequestUnderItsRoutesPatternNotItsPath() throws Exception {
		this.mvc.perform(get("/hello/ann")).andExpect(status().isOk());
		this.mvc.perform(get("/hello/bob")).andExpect(status().isOk());
		assertThat(timer("GET", "/hello/{name}", "200", "SUCCESS", "none").count()).isEqualTo(2);
		assertThat(this.registry.find(RequestMetricsFilter.METRIC).tag("uri", "/hello/ann").timer()).isNull();
	}

	@Test
	void anUnknownPathIsOneSeriesWhateverThePath() throws Exception {
		this.mvc.perform(get("/no/such/thing")).andExpect(status().isNotFound());
		this.mvc.perform(get("/nor/this")).andExpect(status().isNotFound());
		// One series for both paths (the static resources' catch-all route, as with Spring's own convention).
		assertThat(this.registry.find(RequestMetricsFilter.METRIC).tag("status", "404").timers()).singleElement()
			.satisfies((timer) -> assertThat(timer.count()).isEqualTo(2));
	}

	@Test
	void aMadeUpMethodIsNotASeriesOfItsOwn() throws Exception {
		this.mvc.perform(request("BREW", java.net.URI.create("/hello/ann")));
		assertThat(this.registry.find(RequestMetricsFilter.METRIC).tag("method", "UNKNOWN").timer()).isNotNull();
		assertThat(this.registry.find(RequestMetricsFilter.METRIC).tag("method", "BREW").timer()).isNull();
	}

	@Test
	void anExceptionThatEscapesIsA500WithItsName() {
		assertThatThrownBy(() -> this.mvc.perform(get("/boom"))).hasRootCauseInstanceOf(IllegalStateException.class);
		assertThat(timer("GET", "/boom", "500", "SERVER_ERROR", "IllegalStateException").count()).isEqualTo(1);
	}

	@Test
	void anExceptionThatEscapesAfterAnErrorStatusWasSetIsStillA500() {
		// The servlet container answers 500 to an exception that escapes, whatever status was set.
		assertThatThrownBy(() -> this.mvc.perform(get("/gone"))).hasRootCauseInstanceOf(IllegalStateException.class);
		assertThat(timer("GET", "/gone", "500", "SERVER_ERROR", "IllegalStateException").count()).isEqualTo(1);
	}

	private Timer timer(String method, String uri, String status, String outcome, String exception) {
		Timer timer = this.registry.find(RequestMetricsFilter.METRIC)
			.tags("method", method, "uri", uri, "status", status, "outcome", outcome, "exception", exception)
			.timer();
		assertThat(timer).as("timer %s %s %s among %s", method, uri, status,
				this.registry.find(RequestMetricsFilter.METRIC).timers().stream().map(Timer::getId).toList())
			.isNotNull();
		return timer;
	}

	@RestController
	static class Routes {

		@GetMapping("/hello/{name}")
		String hello(@PathVariable String name) {
			return "hello " + name;
		}

		@GetMapping("/boom")
		String boom() {
			throw new IllegalStateException("boom");
		}

		@GetMapping("/gone")
		String gone(HttpServletResponse response) {
			response.setStatus(HttpServletResponse.SC_NOT_FOUND);
			throw new IllegalStateException("gone");
		}

	}

	@TestConfiguration
	static class Meters {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}

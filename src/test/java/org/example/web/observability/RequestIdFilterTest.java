package org.example.web.observability;

import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(RequestIdFilterTest.Hello.class)
@Import(RequestIdFilterTest.Hello.class)
@TestPropertySource(properties = { "app.request-log.slow-threshold=50ms", "app.request-log.instance-name=c0ffee" })
@ExtendWith(OutputCaptureExtension.class)
class RequestIdFilterTest {

	static final String ID = "7F000001:C3A2_0A00000F:1F90_6744A1B2_0001:0007";

	@Autowired
	MockMvc mvc;

	@Test
	void echoesHaproxysRequestIdAndNamesTheInstance() throws Exception {
		this.mvc.perform(get("/hello").header("X-Request-ID", ID))
			.andExpect(status().isOk())
			.andExpect(header().string("X-Request-ID", ID))
			.andExpect(header().string("X-Served-By", "c0ffee"));
	}

	@Test
	void aNormalRequestIsNotLoggedByTheInstance(CapturedOutput output) throws Exception {
		this.mvc.perform(get("/hello").header("X-Request-ID", ID)).andExpect(status().isOk());
		assertThat(output).doesNotContain(ID).doesNotContain("GET /hello");
	}

	@Test
	void aSlowRequestIsLoggedWithItsId(CapturedOutput output) throws Exception {
		this.mvc.perform(get("/hello").param("sleepMs", "80").header("X-Request-ID", ID)).andExpect(status().isOk());
		assertThat(output).contains(ID).contains("GET /hello 200").contains("slow");
	}

	@Test
	void aFailedRequestIsLoggedWithItsId(CapturedOutput output) throws Exception {
		this.mvc.perform(get("/broken").header("X-Request-ID", ID)).andExpect(status().isServiceUnavailable());
		assertThat(output).contains(ID).contains("GET /broken 503").contains("failed");
	}

	@Test
	void anExceptionThatEscapesIsLoggedAsTheContainersAnswerA500(CapturedOutput output) {
		assertThatThrownBy(() -> this.mvc.perform(get("/gone").header("X-Request-ID", ID)))
			.hasRootCauseInstanceOf(IllegalStateException.class);
		assertThat(output).contains(ID).contains("GET /gone 500").contains("failed");
	}

	@RestController
	static class Hello {

		@GetMapping("/hello")
		String hello(@RequestParam(defaultValue = "0") long sleepMs) throws InterruptedException {
			Thread.sleep(sleepMs);
			return "hello";
		}

		@GetMapping("/gone")
		String gone(HttpServletResponse response) {
			response.setStatus(HttpServletResponse.SC_NOT_FOUND);
			throw new IllegalStateException("gone");
		}

		@GetMapping("/broken")
		@ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
		String broken() {
			return "down";
		}

	}

}

package org.example.web.observability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(RequestIdFilterTest.Hello.class)
@Import(RequestIdFilterTest.Hello.class)
@ExtendWith(OutputCaptureExtension.class)
class RequestIdFilterTest {

	@Autowired
	MockMvc mvc;

	@Test
	void logsTheRequestWithHaproxysRequestIdAndEchoesIt(CapturedOutput output) throws Exception {
		this.mvc.perform(get("/hello").header("X-Request-ID", "7F000001:C3A2_0A00000F:1F90_6744A1B2_0001:0007"))
			.andExpect(status().isOk())
			.andExpect(header().string("X-Request-ID", "7F000001:C3A2_0A00000F:1F90_6744A1B2_0001:0007"));
		assertThat(output).contains("7F000001:C3A2_0A00000F:1F90_6744A1B2_0001:0007").contains("GET /hello 200");
	}

	@Test
	void logsRequestsWithoutAnIdToo(CapturedOutput output) throws Exception {
		this.mvc.perform(get("/hello")).andExpect(status().isOk()).andExpect(header().doesNotExist("X-Request-ID"));
		assertThat(output).contains("GET /hello 200");
	}

	@RestController
	static class Hello {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}

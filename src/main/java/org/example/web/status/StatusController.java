package org.example.web.status;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The public contract every client relies on: {@code GET /status} answers {@code OK}. */
@RestController
class StatusController {

	static final String OK = "OK\n";

	@GetMapping(path = "/status", produces = MediaType.TEXT_PLAIN_VALUE)
	String status() {
		return OK;
	}

}

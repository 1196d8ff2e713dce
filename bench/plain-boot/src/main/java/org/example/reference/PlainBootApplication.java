package org.example.reference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The benchmark's reference: what a plain Spring Boot app answers on this machine. */
@SpringBootApplication
@RestController
public class PlainBootApplication {

	@GetMapping(path = "/status", produces = MediaType.TEXT_PLAIN_VALUE)
	String status() {
		return "OK\n";
	}

	public static void main(String[] args) {
		SpringApplication.run(PlainBootApplication.class, "--server.port=8181");
	}

}

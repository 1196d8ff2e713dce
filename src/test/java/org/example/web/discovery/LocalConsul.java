package org.example.web.discovery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.testcontainers.consul.ConsulContainer;
import org.testcontainers.utility.DockerImageName;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Consul 1.8.7 agent (dev mode) in a container, built locally by deploy/setup.sh, and the
 * few of its HTTP and DNS answers the tests look at.
 */
final class LocalConsul extends ConsulContainer {

	static final DockerImageName IMAGE = DockerImageName.parse("local/consul:1.8.7")
		.asCompatibleSubstituteFor("hashicorp/consul");

	private static final int DNS_PORT = 8600;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	LocalConsul() {
		super(IMAGE);
		addExposedPort(DNS_PORT);
	}

	/** A Consul whose HTTP API is published on a host port chosen before it starts. */
	static LocalConsul onHostPort(int hostPort) {
		LocalConsul consul = new LocalConsul();
		consul.addFixedExposedPort(hostPort, 8500);
		return consul;
	}

	int httpPort() {
		return getMappedPort(8500);
	}

	/** GET on the HTTP API, parsed (Consul 1.8 pretty-prints its JSON). */
	JsonNode get(String path) {
		return this.json.readTree(call("GET", path));
	}

	void put(String path) {
		call("PUT", path);
	}

	/** The SRV records Consul DNS answers for the name, asked over TCP (the only mapped DNS port). */
	List<Record> srv(String name) throws IOException {
		SimpleResolver resolver = new SimpleResolver(getHost());
		resolver.setPort(getMappedPort(DNS_PORT));
		resolver.setTCP(true);
		Lookup lookup = new Lookup(name, Type.SRV);
		lookup.setResolver(resolver);
		lookup.setCache(null);
		Record[] records = lookup.run();
		return (records != null) ? List.of(records) : List.of();
	}

	private String call(String method, String path) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + getHost() + ":" + httpPort() + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(5))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new IllegalStateException(method + " " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

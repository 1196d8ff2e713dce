package org.example.web.discovery;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;

import org.example.web.support.Http;
import org.example.web.support.Json;
import org.testcontainers.consul.ConsulContainer;
import org.testcontainers.utility.DockerImageName;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import tools.jackson.databind.JsonNode;

/**
 * A real Consul 1.8.7 agent (dev mode) in a container, built locally by deploy/setup.sh, and the
 * few of its HTTP and DNS answers the tests look at.
 */
final class LocalConsul extends ConsulContainer {

	static final DockerImageName IMAGE = DockerImageName.parse("local/consul:1.8.7")
		.asCompatibleSubstituteFor("hashicorp/consul");

	/** The Consul service name the instances register under (app.discovery.service-name). */
	static final String SERVICE = "web";

	private static final int DNS_PORT = 8600;

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
		return Json.read(call("GET", path));
	}

	void put(String path) {
		call("PUT", path);
	}

	/** Whether this agent holds the instance's registration. */
	boolean holds(WebInstance web) {
		return get("/v1/agent/services").has(web.instanceId());
	}

	/** Whether the instance is registered and its check passes. */
	boolean passes(WebInstance web) {
		return passing().contains(web.instanceId());
	}

	/** The ids of the instances whose checks pass. */
	List<String> passing() {
		return get("/v1/health/service/" + SERVICE + "?passing=true").valueStream()
			.map((entry) -> entry.get("Service").get("ID").asString())
			.toList();
	}

	/** The records Consul DNS answers for the name, asked over TCP (the only mapped DNS port). */
	List<Record> lookup(Name name, int type) throws IOException {
		SimpleResolver resolver = new SimpleResolver(getHost());
		resolver.setPort(getMappedPort(DNS_PORT));
		resolver.setTCP(true);
		Lookup lookup = new Lookup(name, type);
		lookup.setResolver(resolver);
		lookup.setCache(null);
		Record[] records = lookup.run();
		return (records != null) ? List.of(records) : List.of();
	}

	List<Record> srv(String name) throws IOException {
		return lookup(Name.fromString(name), Type.SRV);
	}

	private String call(String method, String path) {
		HttpResponse<String> response = Http.send(method, "http://" + getHost() + ":" + httpPort() + path);
		if (response.statusCode() != 200) {
			throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
		}
		return response.body();
	}

}

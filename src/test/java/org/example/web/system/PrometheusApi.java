package org.example.web.system;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.example.web.support.Json;
import tools.jackson.databind.JsonNode;

/** What the stack's Prometheus says (its HTTP API at {@link Endpoints#PROMETHEUS}). */
final class PrometheusApi {

	private PrometheusApi() {
	}

	/** The "data" of an answer of Prometheus's HTTP API. */
	static JsonNode data(String path) {
		return Json.read(Credentials.getAsOperator(Endpoints.PROMETHEUS + path).body()).get("data");
	}

	/** The active targets of a job. */
	static List<JsonNode> targets(String job) {
		return data("/api/v1/targets?state=active").get("activeTargets")
			.valueStream()
			.filter((t) -> t.get("labels").get("job").asString().equals(job))
			.toList();
	}

	/** Consul service ids (label "instance") of the web targets that are up. */
	static List<String> webTargetsUp() {
		return targets("web").stream()
			.filter((t) -> t.get("health").asString().equals("up"))
			.map((t) -> t.get("labels").get("instance").asString())
			.sorted()
			.toList();
	}

	/** The scrape interval of the web targets, as Prometheus applies it (prometheus/prometheus.yml). */
	static String webScrapeInterval() {
		return targets("web").stream().map((t) -> t.path("scrapeInterval").asString()).findFirst().orElse("unknown");
	}

	/** The addresses (IP, without the port) Prometheus scrapes for the web job, whatever their health. */
	static Set<String> webTargetAddresses() {
		Set<String> addresses = new TreeSet<>();
		targets("web").forEach((t) -> {
			String address = t.get("discoveredLabels").get("__address__").asString();
			addresses.add(address.substring(0, address.lastIndexOf(':')));
		});
		return addresses;
	}

	/** Whether an alert is firing for an instance whose label contains that text. */
	static boolean firing(String alert, String instanceContains) {
		return data("/api/v1/alerts").get("alerts")
			.valueStream()
			.anyMatch((a) -> a.get("labels").get("alertname").asString().equals(alert)
					&& a.get("state").asString().equals("firing")
					&& a.get("labels").path("instance").asString("").contains(instanceContains));
	}

	/** The number of samples of an instant query's answer (e.g. a count_over_time of ALERTS). */
	static int resultSize(String query) {
		return data("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
			.get("result")
			.size();
	}

}

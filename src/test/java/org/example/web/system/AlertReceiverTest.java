package org.example.web.system;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AlertReceiverTest {

	@Test
	void readsTheAlertsOfAWebhookPayload() {
		// A notification of Alertmanager 0.28.1 (webhook payload version 4), as it arrived, with a
		// second alert added to the list.
		String payload = """
				{"receiver":"webhook","status":"resolved","alerts":[{"status":"resolved","labels":{"alertname":"WebInstanceDown",\
				"instance":"web-9ca96aad60fa-6959f2af","job":"web","severity":"warning","version":"1.0.0"},\
				"annotations":{"summary":"test"},"startsAt":"2026-11-26T02:43:02Z","endsAt":"2026-11-26T02:43:02Z",\
				"generatorURL":"","fingerprint":"fccc062e2c8ebf38"},{"status":"firing","labels":{"alertname":"ConsulNoLeader",\
				"job":"consul","severity":"critical"}}],"groupLabels":{"alertname":"WebInstanceDown",\
				"instance":"web-9ca96aad60fa-6959f2af"},"commonLabels":{"alertname":"WebInstanceDown"},\
				"commonAnnotations":{"summary":"test"},"externalURL":"http://eb1ae8e5eeb0:9093","version":"4",\
				"groupKey":"{}/{alertname=\\"WebInstanceDown\\"}:{alertname=\\"WebInstanceDown\\"}","truncatedAlerts":0}
				""";
		assertThat(AlertReceiver.Notification.parse(payload, 42)).containsExactly(
				new AlertReceiver.Notification("WebInstanceDown", "web-9ca96aad60fa-6959f2af", "resolved", 42),
				new AlertReceiver.Notification("ConsulNoLeader", "", "firing", 42));
		assertThat(AlertReceiver.Notification.parse(payload, 42).get(0).is("WebInstanceDown", "resolved", "9ca96aad60fa"))
			.isTrue();
	}

}

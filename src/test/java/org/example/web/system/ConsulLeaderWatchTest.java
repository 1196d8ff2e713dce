package org.example.web.system;

import java.util.List;

import org.example.web.system.ConsulLeaderWatch.Sample;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsulLeaderWatchTest {

	@Test
	void aServerElectedAgainInANewTermIsANewLeadership() {
		List<Sample> samples = List.of(new Sample(0, "a", 2, 2), new Sample(500, "a", 2, 2), new Sample(1000, "", 0, 3),
				new Sample(1500, "a", 3, 3), new Sample(2000, "b", 5, 5), new Sample(2500, "b", 5, 5));

		assertThat(ConsulLeaderWatch.leaderships(samples)).containsExactly("a@2", "a@3", "b@5");
	}

	@Test
	void samplesWithoutALeaderAreNoLeadership() {
		assertThat(ConsulLeaderWatch.leaderships(List.of(new Sample(0, "", 0, 4), new Sample(500, "", 0, 5)))).isEmpty();
	}

}

package org.example.web.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.example.web.system.ConsulLeaderWatch.Sample;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsulLeaderWatchTest {

	/** A sample with what these cases look at: when, leader, terms, live voters (no servers counted, a table of now). */
	private static Sample sample(long at, String leader, long leaderTerm, long term, int liveVoters) {
		return new Sample(at, leader, leaderTerm, term, liveVoters, 0, 0, 0);
	}

	@Test
	void aServerElectedAgainInANewTermIsANewLeadership() {
		List<Sample> samples = List.of(sample(0, "a", 2, 2, 3), sample(500, "a", 2, 2, 3),
				sample(1000, "", 0, 3, 0), sample(1500, "a", 3, 3, 2), sample(2000, "b", 5, 5, 2),
				sample(2500, "b", 5, 5, 3));

		assertThat(ConsulLeaderWatch.leaderships(samples)).containsExactly("a@2", "a@3", "b@5");
	}

	@Test
	void samplesWithoutALeaderAreNoLeadership() {
		assertThat(ConsulLeaderWatch.leaderships(List.of(sample(0, "", 0, 4, 0), sample(500, "", 0, 5, 0))))
			.isEmpty();
	}

	@Test
	void liveVotersAreTheVotersOfTheLeadersConfigurationThatAnswered() {
		String configuration = "[{Suffrage:Voter ID:5e0c-1 Address:10.0.1.5:8300} "
				+ "{Suffrage:Nonvoter ID:5e0c-2 Address:10.0.1.9:8300} {Suffrage:Voter ID:5e0c-3 Address:10.0.1.7:8300} "
				+ "{Suffrage:Voter ID:5e0c-4 Address:10.0.1.8:8300}]";
		assertThat(ConsulLeaderWatch.liveVoters(configuration, Set.of("10.0.1.5:8300", "10.0.1.9:8300", "10.0.1.7:8300")))
			.isEqualTo(2);
		assertThat(ConsulLeaderWatch.liveVoters("", Set.of("10.0.1.5:8300"))).isZero();
	}

	@Test
	void aStretchWithTooFewLiveVotersEndsWithEnoughWithOrWithoutALeader() {
		List<Sample> samples = List.of(sample(0, "a", 2, 2, 3), sample(500, "a", 2, 2, 1),
				sample(1000, "", 0, 3, 1), sample(1500, "b", 3, 3, 1), sample(2000, "", 3, 3, 2),
				sample(2500, "b", 3, 3, 1));
		assertThat(ConsulLeaderWatch.longestSecondsWithFewerLiveVotersThan(samples, 2)).isEqualTo(1.5);
		assertThat(ConsulLeaderWatch.longestSecondsWithFewerLiveVotersThan(samples, 1)).isZero();
	}

	@Test
	void theTimelineHasALineForEachChangeOfStateAndWhenTheListOfServersTurnsOldAndBack() {
		// Tables listed 0.1-1.1 s before are as docker lists them (every second); over 2 s is old.
		List<Sample> samples = List.of(new Sample(1000, "a", 2, 2, 3, 3, 3, 100), new Sample(1500, "a", 2, 2, 3, 3, 3, 1100),
				new Sample(2000, "a", 2, 2, 2, 2, 3, 100), new Sample(2500, "a", 2, 2, 2, 2, 3, 2100),
				new Sample(3000, "", 0, 3, 2, 2, 2, 2600), new Sample(3500, "", 0, 3, 2, 2, 2, 200));
		assertThat(ConsulLeaderWatch.timeline(samples, 500)).containsExactly(
				"+0.500 s: leader a@2, term 2, live voters 3, answered 3/3",
				"+1.500 s: leader a@2, term 2, live voters 2, answered 2/3",
				"+2.000 s: leader a@2, term 2, live voters 2, answered 2/3 (servers listed 2.1 s before)",
				"+2.500 s: leader none, term 3, live voters 2, answered 2/2 (servers listed 2.6 s before)",
				"+3.000 s: leader none, term 3, live voters 2, answered 2/2");
	}

	@Test
	void aLongTimelineKeepsItsBeginningAndItsEnd() {
		List<Sample> samples = new ArrayList<>();
		for (int i = 0; i < ConsulLeaderWatch.MAX_TIMELINE_LINES + 5; i++) {
			samples.add(sample(i * 1000L, "", 0, i, 2));
		}
		List<String> timeline = ConsulLeaderWatch.timeline(samples, 0);
		assertThat(timeline).hasSize(ConsulLeaderWatch.MAX_TIMELINE_LINES + 1);
		assertThat(timeline.get(0)).startsWith("+0.000 s: leader none, term 0,");
		assertThat(timeline.get(ConsulLeaderWatch.TIMELINE_HEAD)).isEqualTo("... 5 changes left out ...");
		assertThat(timeline.get(ConsulLeaderWatch.TIMELINE_HEAD + 1)).startsWith("+35.000 s:");
		assertThat(timeline.get(timeline.size() - 1)).startsWith("+84.000 s: leader none, term 84,");
	}

	@Test
	void aStretchWithoutSampleIsCountedFromTheStartBetweenSamplesAndToTheEnd() {
		List<Sample> samples = List.of(sample(300, "a", 2, 2, 3), sample(800, "a", 2, 2, 3),
				sample(3300, "a", 2, 2, 3), sample(3800, "a", 2, 2, 3));
		assertThat(ConsulLeaderWatch.longestStretchWithoutSample(samples, 0, 4000)).isEqualTo(new ConsulLeaderWatch.StretchWithoutSample(800, 3300));
		assertThat(ConsulLeaderWatch.longestStretchWithoutSample(samples, 3400, 9000)).isEqualTo(new ConsulLeaderWatch.StretchWithoutSample(3800, 9000));
		assertThat(ConsulLeaderWatch.longestStretchWithoutSample(samples, 900, 3200)).isEqualTo(new ConsulLeaderWatch.StretchWithoutSample(900, 3200));
		assertThat(ConsulLeaderWatch.longestStretchWithoutSample(List.of(), 1000, 9527).seconds()).isEqualTo(8.527);
	}

}

package io.dpbalance.engine.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySpecTest {

    @Test
    void parsesNameAndParameters() {
        PolicySpec spec = PolicySpec.parse("bfio:h=40,lookahead=hazard");
        assertThat(spec.name()).isEqualTo("bfio");
        assertThat(spec.params()).isEqualTo(Map.of("h", "40", "lookahead", "hazard"));
    }

    @Test
    void listSplitsPoliciesWhoseParametersAlsoUseCommas() {
        assertThat(PolicySpec.parseList("fcfs,bfio:h=40,lookahead=noisy:0.2,vllm"))
                .extracting(PolicySpec::text)
                .containsExactly("fcfs", "bfio:h=40,lookahead=noisy:0.2", "vllm");
        assertThat(PolicySpec.parseList("bfio:h=0;bfio:h=20")).hasSize(2);
    }

    @Test
    void rejectsUnknownPoliciesAndParametersWithTheKnownOnes() {
        assertThatThrownBy(() -> PolicyFactory.create(PolicySpec.parse("lpt"), "oracle", 1))
                .hasMessageContaining("unknown policy 'lpt'")
                .hasMessageContaining("least-tokens");
        assertThatThrownBy(() -> PolicyFactory.create(PolicySpec.parse("bfio:horizon=3"), "oracle", 1))
                .hasMessageContaining("no parameter 'horizon'");
        assertThatThrownBy(() -> PolicyFactory.create(PolicySpec.parse("bfio:h=x"), "oracle", 1))
                .hasMessageContaining("h must be an integer");
        assertThatThrownBy(() -> PolicySpec.parseList("h=3,fcfs")).hasMessageContaining("before any policy");
    }

    @Test
    void perPolicyLookaheadOverridesTheDefault() {
        PolicyFactory.Instance i = PolicyFactory.create(PolicySpec.parse("bfio:lookahead=hazard"), "oracle", 1);
        assertThat(i.lookahead().name()).isEqualTo("hazard");
        assertThat(i.policy().name()).isEqualTo("bfio:h=20,lookahead=hazard");
    }
}

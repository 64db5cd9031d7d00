package io.dpbalance.engine.trace;

import static io.dpbalance.engine.trace.TraceFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.engine.model.Request;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticWorkloadTest {

    private static final String EXAMPLE =
            "n=60000;arrival=poisson:rate=20;prompt=lognormal:mean=1000,sigma=1;output=geometric:mean=128;seed=7";

    @TempDir
    Path dir;

    @Test
    void parsesEveryKey() {
        SyntheticWorkload synthetic = SyntheticWorkload.parse(EXAMPLE);

        assertThat(synthetic)
                .isEqualTo(new SyntheticWorkload(
                        60_000,
                        new ArrivalProcess.Poisson(20),
                        new LengthDistribution.LogNormal(1000, 1, LengthDistribution.NO_MAX),
                        new LengthDistribution.Geometric(128, LengthDistribution.NO_MAX),
                        7));
    }

    @Test
    void parsesEachArrivalProcessAndDistribution() {
        SyntheticWorkload synthetic =
                SyntheticWorkload.parse(" n = 10 ; arrival = schedule:0:10, 60:50,120:10 ; prompt=uniform:low=1,high=9;"
                        + " output=constant:value=5 ;");

        assertThat(synthetic.arrivals())
                .isEqualTo(new ArrivalProcess.Schedule(List.of(
                        new ArrivalProcess.RatePiece(0, 10),
                        new ArrivalProcess.RatePiece(60, 50),
                        new ArrivalProcess.RatePiece(120, 10))));
        assertThat(synthetic.prompt()).isEqualTo(new LengthDistribution.Uniform(1, 9));
        assertThat(synthetic.output()).isEqualTo(new LengthDistribution.Constant(5));
        assertThat(synthetic.seed()).isZero();
        assertThat(SyntheticWorkload.parse("n=1;arrival=bursty:rate=5,cv=2.5;prompt=geometric:mean=4,max=50;"
                                + "output=lognormal:mean=9,sigma=0.5,max=20")
                        .arrivals())
                .isEqualTo(new ArrivalProcess.Bursty(5, 2.5));
    }

    @Test
    void defaultsToAllRequestsAtZero() {
        Workload workload = SyntheticWorkload.parse("n=3;prompt=constant:value=1;output=constant:value=2")
                .generate();

        assertThat(workload.requests())
                .containsExactly(
                        new Request("synthetic-0", 0, 0.0, 1, 2),
                        new Request("synthetic-1", 1, 0.0, 1, 2),
                        new Request("synthetic-2", 2, 0.0, 1, 2));
        assertThat(workload.timed()).isFalse();
        assertThat(workload.format()).isEqualTo(WorkloadFormat.SYNTHETIC);
        assertThat(workload.skipped()).isZero();
    }

    @Test
    void writesASpecThatParsesBackToTheSameWorkload() {
        String spec = "n=5;arrival=schedule:0:10,60:2.5;prompt=lognormal:mean=1000,sigma=1,max=8192;"
                + "output=uniform:low=1,high=3;seed=-4";
        SyntheticWorkload synthetic = SyntheticWorkload.parse(spec);

        assertThat(synthetic.spec()).isEqualTo(spec);
        assertThat(SyntheticWorkload.parse(synthetic.spec())).isEqualTo(synthetic);
        assertThat(synthetic.generate().source()).isEqualTo(spec);
    }

    @Test
    void generatesTheSameRequestsForTheSameSeed() {
        Workload first = SyntheticWorkload.parse(EXAMPLE).generate();
        Workload again = SyntheticWorkload.parse(EXAMPLE).generate();
        Workload otherSeed =
                SyntheticWorkload.parse(EXAMPLE.replace("seed=7", "seed=8")).generate();

        assertThat(first.requests()).hasSize(60_000).isEqualTo(again.requests());
        assertThat(otherSeed.requests()).isNotEqualTo(first.requests());
        assertThat(first.timed()).isTrue();
    }

    @Test
    void keepsArrivalsAndPromptsWhenOnlyTheOutputDistributionChanges() {
        Workload geometric = SyntheticWorkload.parse(EXAMPLE).generate();
        Workload constant = SyntheticWorkload.parse(EXAMPLE.replace("geometric:mean=128", "constant:value=9"))
                .generate();

        assertThat(constant.requests())
                .extracting(Request::arrival)
                .isEqualTo(geometric.requests().stream().map(Request::arrival).toList());
        assertThat(constant.requests())
                .extracting(Request::promptTokens)
                .isEqualTo(
                        geometric.requests().stream().map(Request::promptTokens).toList());
    }

    @Test
    void samplesEmpiricalLengthsFromATrace() {
        Path trace = write(
                dir,
                "small.csv",
                "TIMESTAMP,ContextTokens,GeneratedTokens",
                "2023-11-16 18:15:46.0,100,7",
                "2023-11-16 18:15:47.0,300,9");

        SyntheticWorkload synthetic = SyntheticWorkload.parse(
                "n=200;prompt=empirical:trace=" + trace + ";output=empirical:trace=" + trace + ",format=azure,max=8");
        Workload workload = synthetic.generate();

        assertThat(workload.requests()).extracting(Request::promptTokens).containsOnly(100, 300);
        assertThat(workload.requests()).extracting(Request::outputTokens).containsOnly(7, 8);
        assertThat(synthetic.output().spec()).isEqualTo("empirical:trace=" + trace + ",format=azure,max=8");
    }

    @Test
    void namesTheKeyAndWhatWasExpectedInErrors() {
        assertError(
                "n=10;prompt=constant:value=1;output=constant:value=1;rate=3",
                "synthetic workload spec: unknown key 'rate'; expected one of n, arrival, prompt, output, seed");
        assertError("n=10;prompt=constant:value=1", "synthetic workload spec: missing key 'output'");
        assertError(
                "n=ten;prompt=constant:value=1;output=constant:value=1",
                "synthetic workload spec: n: expected an integer >= 1, got 'ten'");
        assertError(
                "n=0;prompt=constant:value=1;output=constant:value=1",
                "synthetic workload spec: n: expected an integer >= 1, got '0'");
        assertError(
                "n=1;n=2;prompt=constant:value=1;output=constant:value=1",
                "synthetic workload spec: key 'n' is given twice");
        assertError("n=1;prompt;output=constant:value=1", "synthetic workload spec: expected key=value, got 'prompt'");
        assertError(
                "n=1;arrival=poisson;prompt=constant:value=1;output=constant:value=1",
                "synthetic workload spec: arrival=poisson: missing parameter 'rate'");
        assertError(
                "n=1;arrival=poisson:rate=fast;prompt=constant:value=1;output=constant:value=1",
                "synthetic workload spec: arrival=poisson: rate: expected a number, got 'fast'");
        assertError(
                "n=1;arrival=poisson:rate=-2;prompt=constant:value=1;output=constant:value=1",
                "synthetic workload spec: arrival=poisson: rate must be a finite number > 0, got -2.0");
        assertError(
                "n=1;arrival=gamma:rate=2;prompt=constant:value=1;output=constant:value=1",
                "synthetic workload spec: arrival: unknown arrival process 'gamma';"
                        + " expected none, poisson, bursty or schedule");
        assertError(
                "n=1;arrival=schedule:0:10,60;prompt=constant:value=1;output=constant:value=1",
                "synthetic workload spec: arrival=schedule: expected TIME:RATE pairs such as 0:10,60:50, got '60'");
        assertError(
                "n=1;prompt=normal:mean=3;output=constant:value=1",
                "synthetic workload spec: prompt: unknown length distribution 'normal';"
                        + " expected lognormal, geometric, constant, uniform or empirical");
        assertError(
                "n=1;prompt=lognormal:mean=3,cv=2;output=constant:value=1",
                "synthetic workload spec: prompt=lognormal: unknown parameter 'cv'; expected mean, sigma, max");
        assertError(
                "n=1;prompt=constant:value=1;output=geometric:mean=0.5",
                "synthetic workload spec: output=geometric: geometric mean must be a finite number >= 1, got 0.5");
        assertError(
                "n=1;prompt=constant:value=1.5;output=constant:value=1",
                "synthetic workload spec: prompt=constant: value: expected an integer, got '1.5'");
        assertError(
                "n=1;prompt=empirical:trace=x.csv,format=csv;output=constant:value=1",
                "synthetic workload spec: prompt=empirical: unknown workload format 'csv';"
                        + " expected one of auto|azure|mooncake|burstgpt|lengths");
    }

    @Test
    void pointsAtCommasBetweenTopLevelKeys() {
        assertError(
                "n=60000,arrival=none,prompt=constant:value=1,output=constant:value=1",
                "synthetic workload spec: n: the value '60000,arrival=none,prompt=constant:value=1,"
                        + "output=constant:value=1' holds ',arrival='; separate top-level keys with ';'");
        assertError(
                "n=6;prompt=lognormal:mean=1000,sigma=1.0, output=geometric:mean=128",
                "synthetic workload spec: prompt: the value 'lognormal:mean=1000,sigma=1.0, output=geometric:mean=128'"
                        + " holds ', output='; separate top-level keys with ';'");
    }

    @Test
    void reportsAnUnreadableEmpiricalTraceAsAWorkloadError() {
        Path missing = dir.resolve("missing.csv");

        assertThatThrownBy(() ->
                        SyntheticWorkload.parse("n=1;prompt=empirical:trace=" + missing + ";output=constant:value=1"))
                .isInstanceOf(WorkloadException.class)
                .hasMessage(missing + ": no such file");
    }

    private static void assertError(String spec, String message) {
        assertThatThrownBy(() -> SyntheticWorkload.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }
}

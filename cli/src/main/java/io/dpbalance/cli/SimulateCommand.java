package io.dpbalance.cli;

import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.SimulationListener;
import io.dpbalance.engine.sim.SimulationResult;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.trace.Workload;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/dpbalance simulate}: every chosen policy over one workload on one cluster (docs/design.md §10). */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run placement policies over a workload on the engine's decode-step loop (docs/design.md §3) and print each "
                    + "policy's imbalance, idle fraction, throughput, energy, TPOT and decision latency.",
            "Pool mode (the paper's overloaded regime) averages steps 1..K*, K* the last step after which a request "
                    + "was placed; arrival mode replays the trace's timing and adds queue-wait and E2E percentiles."
        })
final class SimulateCommand implements Callable<Integer> {

    @Mixin
    WorkloadOptions workload;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            defaultValue = "pool",
            description = "pool: all requests at time 0, pool topped up in input order; arrival: requests join at "
                    + "their arrival times (timed formats only). Default ${DEFAULT-VALUE}.")
    String mode;

    @Option(
            names = "--ranks",
            paramLabel = "G",
            defaultValue = "32",
            description = "DP ranks G. Default ${DEFAULT-VALUE}.")
    int ranks;

    @Option(
            names = "--batch",
            paramLabel = "B",
            defaultValue = "72",
            description = "Batch capacity B: running requests per rank. Default ${DEFAULT-VALUE}.")
    int batch;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    LookaheadOptions lookahead;

    @Option(
            names = "--policies",
            paramLabel = "P1,P2,...",
            defaultValue = "fcfs,least-tokens,vllm,bfio",
            description =
                    "Policies to compare, with parameters as name:key=value,... (e.g. bfio:h=40,lookahead=hazard). "
                            + "Default ${DEFAULT-VALUE}.")
    String policies;

    @Option(names = "--json", description = "One JSON object per policy per line instead of a table.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        WorkloadMode workloadMode = WorkloadMode.parse(mode);
        List<PolicySpec> specs = lookahead.policies(policies);
        ClusterConfig config = cluster.config(ranks, batch);
        Workload w = workload.load(workloadMode);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (w.skipped() > 0) {
            err.println(
                    "dpbalance simulate: skipped " + w.skipped() + " rows of " + w.source() + ": " + w.skipReasons());
        }
        List<SimulationResult> results = new ArrayList<>();
        for (PolicySpec s : specs) {
            PolicyFactory.Instance instance = lookahead.create(s);
            SimulationListener progress = SimulationProgress.forTerminal(
                    instance.policy().name(), w.requests().size());
            SimulationResult r = Simulator.run(
                    w.requests(),
                    workloadMode,
                    config,
                    cluster.pool,
                    instance.policy(),
                    instance.lookahead(),
                    progress);
            SimulationProgress.done(progress);
            if (json) {
                out.println(
                        ResultFormat.json(ResultFormat.fields(r, w.requests().size())));
                out.flush();
            }
            results.add(r);
        }
        if (!json) {
            out.printf(
                    "%s: %d requests (%s), %s mode, G=%d, B=%d%s%n",
                    w.source(),
                    w.requests().size(),
                    w.format().cliName(),
                    workloadMode.cliName(),
                    ranks,
                    batch,
                    workloadMode == WorkloadMode.POOL
                            ? ", pool R=" + (cluster.pool > 0 ? cluster.pool : 4 * ranks)
                            : "");
            out.print(ResultFormat.table(results));
        }
        out.flush();
        return 0;
    }

    static String policyHelp() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : PolicyFactory.descriptions().entrySet()) {
            sb.append(String.format("  %-15s %s%n", e.getKey(), e.getValue()));
        }
        return sb.toString();
    }
}

package io.dpbalance.cli;

import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.SimulationResult;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.trace.Workload;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bin/dpbalance sweep}: policies over a grid of cluster sizes and batch capacities on one workload. Per grid
 * cell it prints each policy's average imbalance and the ratio of the first policy's to each other's: the paper's
 * scaling of BF-IO's gain with batch size and cluster size.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run policies over a grid of --ranks x --batch on one workload; per cell print each policy's average "
                    + "imbalance and the ratio of the first policy's average imbalance to each other policy's."
        })
final class SweepCommand implements Callable<Integer> {

    @Mixin
    WorkloadOptions workload;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            defaultValue = "pool",
            description = "pool or arrival, as in simulate. Default ${DEFAULT-VALUE}.")
    String mode;

    @Option(
            names = "--ranks",
            paramLabel = "G1,G2,...",
            split = ",",
            defaultValue = "8,32,128",
            description = "Cluster sizes. Default ${DEFAULT-VALUE}.")
    List<Integer> ranks;

    @Option(
            names = "--batch",
            paramLabel = "B1,B2,...",
            split = ",",
            defaultValue = "16,64,256",
            description = "Batch capacities. Default ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    LookaheadOptions lookahead;

    @Option(
            names = "--policies",
            paramLabel = "P1,P2,...",
            defaultValue = "fcfs,bfio:h=0",
            description = "Policies; the first is the baseline of the ratios. Default ${DEFAULT-VALUE}.")
    String policies;

    @Option(
            names = "--json",
            description = "One JSON object per cell and policy per line (simulate's fields plus "
                    + "imbalance_ratio: the first policy's average imbalance over this one's).")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        WorkloadMode workloadMode = WorkloadMode.parse(mode);
        List<PolicySpec> specs = lookahead.policies(policies);
        for (int g : ranks) {
            for (int b : batches) {
                cluster.config(g, b);
            }
        }
        Workload w = workload.load(workloadMode);
        PrintWriter out = spec.commandLine().getOut();
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("ranks", "batch"));
        for (PolicySpec s : specs) {
            header.add(s.text());
        }
        for (int i = 1; i < specs.size(); i++) {
            header.add(specs.get(0).text() + " / " + specs.get(i).text());
        }
        rows.add(header.toArray(new String[0]));
        for (int g : ranks) {
            for (int b : batches) {
                List<SimulationResult> cell = new ArrayList<>();
                for (PolicySpec s : specs) {
                    PolicyFactory.Instance instance = lookahead.create(s);
                    String label = String.format(
                            Locale.ROOT, "G=%d B=%d %s", g, b, instance.policy().name());
                    var progress =
                            SimulationProgress.forTerminal(label, w.requests().size());
                    cell.add(Simulator.run(
                            w.requests(),
                            workloadMode,
                            cluster.config(g, b),
                            cluster.pool,
                            instance.policy(),
                            instance.lookahead(),
                            progress));
                    SimulationProgress.done(progress);
                }
                double base = cell.get(0).avgImbalance();
                List<String> row = new ArrayList<>(List.of(Integer.toString(g), Integer.toString(b)));
                for (SimulationResult r : cell) {
                    row.add(ResultFormat.fmt("%.1f", r.avgImbalance()));
                }
                for (int i = 1; i < cell.size(); i++) {
                    row.add(ResultFormat.fmt("%.2f", ratio(base, cell.get(i).avgImbalance())));
                }
                rows.add(row.toArray(new String[0]));
                if (json) {
                    for (SimulationResult r : cell) {
                        Map<String, Object> fields = new LinkedHashMap<>(
                                ResultFormat.fields(r, w.requests().size()));
                        fields.put("imbalance_ratio", ratio(base, r.avgImbalance()));
                        out.println(ResultFormat.json(fields));
                    }
                    out.flush();
                }
            }
        }
        if (!json) {
            out.printf(
                    "%s: %d requests (%s), %s mode%n",
                    w.source(), w.requests().size(), w.format().cliName(), workloadMode.cliName());
            out.print(ResultFormat.align(rows));
        }
        out.flush();
        return 0;
    }

    private static double ratio(double base, double other) {
        return other > 0 ? base / other : Double.NaN;
    }
}

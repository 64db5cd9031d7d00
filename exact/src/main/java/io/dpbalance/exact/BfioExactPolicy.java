package io.dpbalance.exact;

import com.google.ortools.Loader;
import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import io.dpbalance.engine.policy.BfioPolicy;
import io.dpbalance.engine.policy.LoadProjection;
import io.dpbalance.engine.policy.Policy;
import io.dpbalance.engine.policy.RefillContext;
import io.dpbalance.engine.policy.RefillState;
import java.util.Arrays;
import java.util.Locale;

/**
 * bfio-exact (docs/design.md §5, §5): the BF-IO integer program solved to optimality with OR-Tools CP-SAT, on the same inputs
 * as the fast solver {@link BfioPolicy}: the projection {@code L̂_g(k+h) = LoadProjection.of(ctx, H)} and the first
 * {@code min(poolSize, candidates)} pool requests. With binary {@code x_{j,g}}:
 * <pre>
 *   minimize   sum_h (G M_h - sum_g L̂_g(k+h) - sum_{j,g} x_{j,g} s_j)
 *   subject to M_h >= L̂_g(k+h) + sum_j x_{j,g} s_j        for every g, h
 *              sum_g x_{j,g} <= 1                           for every candidate j
 *              sum_j x_{j,g} =  free(g)                     for every rank g, if there are >= totalFree candidates;
 *              otherwise sum_g x_{j,g} = 1 and sum_j x_{j,g} <= free(g)  (every candidate is placed)
 * </pre>
 * There is no discount and no overflow weight: this is the true objective, {@link BfioObjective}. It is meant for
 * small clusters and for validating the fast solver, not for production step rates.
 *
 * <p>Each decision is warm-started with the fast solver's answer. If CP-SAT does not prove optimality within the time
 * limit, the best solution it found is used (and counted in {@link #nonOptimalDecisions()}); if it found none, the
 * fast solver's answer is used, so every slot the spec requires to be filled is filled.
 */
public final class BfioExactPolicy implements Policy {

    public static final double DEFAULT_TIME_LIMIT = 10;
    public static final int DEFAULT_WORKERS = 1;

    private final int horizon;
    private final int candidates;
    private final double timeLimit;
    private final int workers;
    private final String name;
    private final BfioPolicy warmStart;
    private long decisions;
    private long nonOptimal;

    /**
     * @param horizon    H >= 0
     * @param candidates how many pool requests (oldest first) a decision considers, >= 1
     * @param timeLimit  CP-SAT wall-clock limit per decision in seconds, > 0
     * @param workers    CP-SAT search threads, >= 1; 1 keeps decisions reproducible
     * @param lookahead  the lookahead's name, for {@link #name()}
     */
    public BfioExactPolicy(int horizon, int candidates, double timeLimit, int workers, String lookahead) {
        if (horizon < 0) {
            throw new IllegalArgumentException("bfio-exact: h must be >= 0, got " + horizon);
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("bfio-exact: candidates must be >= 1, got " + candidates);
        }
        if (!(timeLimit > 0) || Double.isInfinite(timeLimit)) {
            throw new IllegalArgumentException(
                    "bfio-exact: time-limit must be a finite number of seconds > 0, got " + timeLimit);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("bfio-exact: workers must be >= 1, got " + workers);
        }
        Natives.load();
        this.horizon = horizon;
        this.candidates = candidates;
        this.timeLimit = timeLimit;
        this.workers = workers;
        this.warmStart = new BfioPolicy(
                horizon,
                BfioPolicy.DEFAULT_BETA,
                BfioPolicy.DEFAULT_DECAY,
                0,
                BfioPolicy.DEFAULT_GREEDY,
                candidates,
                true,
                "false",
                lookahead);
        StringBuilder sb = new StringBuilder("bfio-exact:h=").append(horizon);
        if (candidates != BfioPolicy.DEFAULT_CANDIDATES) {
            sb.append(",candidates=").append(candidates);
        }
        if (timeLimit != DEFAULT_TIME_LIMIT) {
            sb.append(",time-limit=").append(fmt(timeLimit));
        }
        if (workers != DEFAULT_WORKERS) {
            sb.append(",workers=").append(workers);
        }
        sb.append(",lookahead=").append(lookahead);
        this.name = sb.toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }

    @Override
    public String name() {
        return name;
    }

    public int horizon() {
        return horizon;
    }

    /** Refills decided so far. */
    public long decisions() {
        return decisions;
    }

    /** Refills where CP-SAT hit the time limit before proving optimality (the best solution found was used). */
    public long nonOptimalDecisions() {
        return nonOptimal;
    }

    @Override
    public void refill(RefillContext ctx) {
        decisions++;
        int[] fast = fastDecision(ctx);
        Model m = new Model(ctx, LoadProjection.of(ctx, horizon), Math.min(ctx.poolSize(), candidates));
        m.hint(fast);
        CpSolver solver = new CpSolver();
        solver.getParameters()
                .setMaxTimeInSeconds(timeLimit)
                .setNumWorkers(workers)
                .setLogSearchProgress(false);
        CpSolverStatus status = solver.solve(m.model);
        switch (status) {
            case OPTIMAL:
                m.apply(solver, ctx);
                break;
            case FEASIBLE:
                nonOptimal++;
                m.apply(solver, ctx);
                break;
            case UNKNOWN:
                // Time limit without any solution: the fast answer is feasible and fills every required slot.
                nonOptimal++;
                for (int j = 0; j < fast.length; j++) {
                    if (fast[j] >= 0) {
                        ctx.place(j, fast[j]);
                    }
                }
                break;
            default:
                // The program is always feasible (any fill of the free slots is a solution), so this is a bug.
                throw new IllegalStateException("bfio-exact: CP-SAT returned " + status + " at step " + ctx.step()
                        + ": " + solver.getSolutionInfo());
        }
    }

    /** The fast solver's decision on a copy of the refill: the rank of each pool request, -1 if not placed. */
    private int[] fastDecision(RefillContext ctx) {
        RefillState copy = RefillState.capture(ctx);
        warmStart.refill(copy);
        int[] ranks = new int[copy.poolSize()];
        for (int j = 0; j < ranks.length; j++) {
            ranks[j] = copy.placedOn(j);
        }
        return ranks;
    }

    /**
     * The CP-SAT model of one refill. Only ranks with free slots get variables: a full rank's loads are constants
     * and enter through the lower bound of each {@code M_h}. Steps of the horizon with identical projected loads
     * (nothing predicted to end in between) share one envelope variable, weighted by how many steps it stands for.
     */
    private static final class Model {

        final CpModel model = new CpModel();
        final int ranks;
        final int n;
        final long[] prompt;
        final BoolVar[][] x;
        final IntVar[] mass;
        final long[] massUpper;
        final long[][] rowLoads;
        final IntVar[] envelope;

        Model(RefillContext ctx, LoadProjection projection, int n) {
            this.ranks = ctx.ranks();
            this.n = n;
            this.prompt = new long[n];
            for (int j = 0; j < n; j++) {
                prompt[j] = ctx.poolRequest(j).promptTokens();
            }
            long[] largestFirst = prompt.clone();
            Arrays.sort(largestFirst);
            long[] largestMass = new long[n + 1];
            for (int k = 1; k <= n; k++) {
                largestMass[k] = largestMass[k - 1] + largestFirst[n - k];
            }
            boolean fillEverySlot = n >= ctx.totalFree();

            x = new BoolVar[n][ranks];
            mass = new IntVar[ranks];
            massUpper = new long[ranks];
            for (int g = 0; g < ranks; g++) {
                int free = ctx.free(g);
                if (free == 0) {
                    continue;
                }
                BoolVar[] column = new BoolVar[n];
                for (int j = 0; j < n; j++) {
                    column[j] = model.newBoolVar("x_" + j + "_" + g);
                    x[j][g] = column[j];
                }
                LinearExpr count = LinearExpr.sum(column);
                if (fillEverySlot) {
                    model.addEquality(count, free);
                } else {
                    model.addLessOrEqual(count, free);
                }
                massUpper[g] = largestMass[Math.min(free, n)];
                mass[g] = model.newIntVar(0, massUpper[g], "mass_" + g);
                model.addEquality(mass[g], LinearExpr.weightedSum(column, prompt));
            }
            for (int j = 0; j < n; j++) {
                BoolVar[] row = Arrays.stream(x[j]).filter(v -> v != null).toArray(BoolVar[]::new);
                if (fillEverySlot) {
                    model.addAtMostOne(row);
                } else {
                    model.addExactlyOne(row);
                }
            }

            int rows = 0;
            long[][] loads = new long[projection.horizon() + 1][];
            long[] weight = new long[projection.horizon() + 1];
            for (int h = 0; h <= projection.horizon(); h++) {
                long[] current = new long[ranks];
                for (int g = 0; g < ranks; g++) {
                    current[g] = Math.round(projection.load(h, g));
                }
                // Loads only fall with h, so equal steps are adjacent.
                if (rows > 0 && Arrays.equals(loads[rows - 1], current)) {
                    weight[rows - 1]++;
                } else {
                    loads[rows] = current;
                    weight[rows] = 1;
                    rows++;
                }
            }
            rowLoads = Arrays.copyOf(loads, rows);
            envelope = new IntVar[rows];
            LinearExprBuilder objective = LinearExpr.newBuilder();
            for (int r = 0; r < rows; r++) {
                long lower = 0;
                long upper = 0;
                for (int g = 0; g < ranks; g++) {
                    lower = Math.max(lower, rowLoads[r][g]);
                    upper = Math.max(upper, rowLoads[r][g] + massUpper[g]);
                }
                envelope[r] = model.newIntVar(lower, upper, "M_" + r);
                for (int g = 0; g < ranks; g++) {
                    if (mass[g] != null) {
                        model.addGreaterOrEqual(
                                LinearExpr.newBuilder().add(envelope[r]).addTerm(mass[g], -1), rowLoads[r][g]);
                    }
                }
                objective.addTerm(envelope[r], (long) ranks * weight[r]);
            }
            // Placed mass lowers the objective at every one of the H + 1 steps (the -sum_g L̂ term).
            for (int g = 0; g < ranks; g++) {
                if (mass[g] != null) {
                    objective.addTerm(mass[g], -(long) (projection.horizon() + 1));
                }
            }
            model.minimize(objective);
        }

        /** A complete hint: the given placement and the masses and envelopes it implies. */
        void hint(int[] rankOf) {
            long[] hinted = new long[ranks];
            for (int j = 0; j < n; j++) {
                for (int g = 0; g < ranks; g++) {
                    if (x[j][g] != null) {
                        model.addHint(x[j][g], rankOf[j] == g);
                    }
                }
                if (rankOf[j] >= 0) {
                    hinted[rankOf[j]] += prompt[j];
                }
            }
            for (int g = 0; g < ranks; g++) {
                if (mass[g] != null) {
                    model.addHint(mass[g], hinted[g]);
                }
            }
            for (int r = 0; r < envelope.length; r++) {
                long max = 0;
                for (int g = 0; g < ranks; g++) {
                    max = Math.max(max, rowLoads[r][g] + hinted[g]);
                }
                model.addHint(envelope[r], max);
            }
        }

        void apply(CpSolver solver, RefillContext ctx) {
            for (int j = 0; j < n; j++) {
                for (int g = 0; g < ranks; g++) {
                    if (x[j][g] != null && solver.booleanValue(x[j][g])) {
                        ctx.place(j, g);
                    }
                }
            }
        }
    }

    /** Loads the OR-Tools native libraries once per JVM, on first use. */
    private static final class Natives {

        static {
            Loader.loadNativeLibraries();
        }

        private Natives() {}

        static void load() {
            // Calling this initializes the class, which runs the static loader exactly once.
        }
    }
}

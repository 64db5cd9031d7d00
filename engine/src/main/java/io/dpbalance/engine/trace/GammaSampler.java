package io.dpbalance.engine.trace;

import java.util.random.RandomGenerator;

/** Gamma variates with scale 1 by Marsaglia and Tsang's method (ACM TOMS 26(3), 2000). */
final class GammaSampler {

    private GammaSampler() {}

    static double sample(double shape, RandomGenerator random) {
        if (shape < 1) {
            // The method needs shape >= 1; Gamma(k) = Gamma(k + 1) * U^(1/k) lifts smaller shapes.
            double uniform = 1 - random.nextDouble();
            return sample(shape + 1, random) * Math.pow(uniform, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = random.nextGaussian();
            double v = 1 + c * x;
            if (v <= 0) {
                continue;
            }
            v = v * v * v;
            double u = random.nextDouble();
            double xx = x * x;
            if (u < 1 - 0.0331 * xx * xx || Math.log(u) < 0.5 * xx + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}

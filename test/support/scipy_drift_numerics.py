"""scipy's answers for the drift numerics, over every region each method switches on: ks_2samp
(exact n = m, exact n != m, asymptotic past 10,000 values), kstwo.sf (Ruben-Gambino, Durbin
matrix, Pomeranz, Pelz-Good, twice Smirnov), smirnov, ndtr, chdtrc, wasserstein_distance, np.std
and jensenshannon. Prints one JSON object.
"""

import json
import warnings

import numpy as np
from scipy import special, stats
from scipy.spatial import distance

warnings.filterwarnings("ignore")
rng = np.random.default_rng(7)
ks = []
for n1, n2, shift in [(5, 5, 0), (30, 30, 0.5), (100, 80, 0.2), (500, 1000, 0.1), (997, 400, 0.3), (1000, 1000, 0.05), (300, 12000, 0.1),
                      (1000, 50000, 0.02), (150, 20000, 0.5), (1000, 10001, 0.0), (50, 30000, 0.3), (999, 999, 2.0), (20, 5000, 1.5), (7, 3, 0)]:
    a = np.round(rng.normal(size=n1), 3)
    b = np.round(rng.normal(shift, size=n2), 3)
    r = stats.ks_2samp(a, b)
    ks.append({"a": a.tolist(), "b": b.tolist(), "d": float(r.statistic), "p": float(r.pvalue)})
kolmogorov = [{"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n)), "smirnov": float(special.smirnov(n, x))}
              for n in [5, 50, 140, 141, 300, 952, 1000] for x in [0.01, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 0.99]]
normal = [{"x": x, "cdf": float(special.ndtr(x))} for x in [-40, -10, -5, -1.5, -0.7, 0, 0.3, 0.99, 1.0, 1.2, 3, 5.5, 6, 7, 8.2, 8.3, 9, 12, 38]]
chi = [{"x": x, "df": df, "sf": float(special.chdtrc(df, x))} for df in [1, 2, 3, 5, 10, 99, 499, 998] for x in [0.1, 1, 3, 10, 50, 100, 500, 1000, 2000]]
wasserstein = []
for n1, n2 in [(10, 7), (1000, 1300), (5000, 100)]:
    a, b = rng.normal(size=n1), rng.exponential(size=n2)
    wasserstein.append({"a": a.tolist(), "b": b.tolist(), "w": float(stats.wasserstein_distance(a, b)), "std": float(np.std(a))})
js = [{"p": p, "q": q, "d": float(distance.jensenshannon(p, q))} for p, q in [([0.2, 0.3, 0.5, 0], [0.1, 0.1, 0.4, 0.4]), ([1, 2, 3], [3, 2, 1]), ([0.5, 0.5], [0.5, 0.5])]]
print(json.dumps({"ks": ks, "kolmogorov": kolmogorov, "normal": normal, "chi": chi, "wasserstein": wasserstein, "js": js}))

package association

import "math"

// Firth's penalised fit stops like Newton's method, but takes more steps
// and limits each to firthMaxStep, as its search can overshoot far from
// the start when the plain likelihood has no finite optimum.
const (
	firthMaxIter = 100
	firthMaxStep = 5
)

// fitFirth maximises the likelihood penalised by Jeffreys' prior (Firth's
// logistic regression), which stays finite under separation, and fills
// the last coefficient's estimate, Wald standard error, z and p into r.
// The score gains h_i(1/2 - mu_i) per row, h_i being the row's leverage.
func (f *logisticFit) fitFirth(r *Result) {
	p, rows := f.p, len(f.m)
	var trials, successes float64
	for i := range rows {
		trials += f.m[i]
		successes += f.s[i]
	}
	clear(f.beta)
	f.beta[0] = math.Log((successes + 0.5) / (trials - successes + 0.5))
	if cap(f.mu) < rows {
		f.mu = make([]float64, rows)
	}
	mus := f.mu[:rows]
	tmp := make([]float64, p)
	for iter := 0; ; iter++ {
		clear(f.info)
		for i := range rows {
			row := f.x[i*p : (i+1)*p]
			eta := 0.0
			for j, v := range row {
				eta += v * f.beta[j]
			}
			mu := 1 / (1 + math.Exp(-eta))
			mus[i] = mu
			w := f.m[i] * mu * (1 - mu)
			for a, va := range row {
				wa := w * va
				for b := 0; b <= a; b++ {
					f.info[a*p+b] += wa * row[b]
				}
			}
		}
		if !cholesky(f.info, f.l, p) {
			r.setNotTestable(NotTestableCollinear)
			return
		}
		if iter == firthMaxIter {
			r.setNotTestable(NotTestableNoConverge)
			return
		}
		clear(f.grad)
		for i := range rows {
			row := f.x[i*p : (i+1)*p]
			mu := mus[i]
			// Leverage of the row: w x' I^-1 x = w |L^-1 x|^2.
			q := 0.0
			for a := range p {
				s := row[a]
				for k := range a {
					s -= f.l[a*p+k] * tmp[k]
				}
				tmp[a] = s / f.l[a*p+a]
				q += tmp[a] * tmp[a]
			}
			h := f.m[i] * mu * (1 - mu) * q
			res := f.s[i] - f.m[i]*mu + h*(0.5-mu)
			for a, va := range row {
				f.grad[a] += va * res
			}
		}
		cholSolve(f.l, f.grad, f.dz, p)
		step := 0.0
		for j := range p {
			step = math.Max(step, math.Abs(f.dz[j]))
		}
		scale := 1.0
		if step > firthMaxStep {
			scale = firthMaxStep / step
		}
		for j := range p {
			f.beta[j] += scale * f.dz[j]
		}
		if step < logisticTol {
			break
		}
	}
	lpp := f.l[p*p-1]
	r.Beta = f.beta[p-1]
	r.SE = 1 / lpp
	r.Stat = r.Beta / r.SE
	r.P = NormalP(r.Stat)
}

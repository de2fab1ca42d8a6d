/**
 * Training on the CPU (issue 3): the float64 training graph, the optimizer loop, checkpoints and
 * {@code taipan train}.
 *
 * <p>Top-down: {@link ai.taipan.engine.train.TrainCommand} (options, model card) →
 * {@link ai.taipan.engine.train.Trainer} (batches, threads, AdamW, schedule, clipping) →
 * {@link ai.taipan.engine.train.TrainGraph} (one sequence: embedding, layers, head, loss) →
 * {@link ai.taipan.engine.train.Mamba2Train} / {@link ai.taipan.engine.train.AttentionTrain}
 * (forward + backward of each layer kind) → {@link ai.taipan.engine.train.DMath} (kernels).
 * Weights are the SPEC §4 tensors packed into one array by {@link ai.taipan.engine.train.ParamLayout}.
 *
 * <h2>Backward derivations, in brief</h2>
 * <ul>
 * <li><b>RMSNorm</b> y = x·r·w, r = (mean x² + ε)^−½: dw += dy⊙x·r; dx = r·(dy⊙w) − r³/n·x·Σ(dy⊙w⊙x).</li>
 * <li><b>Linear</b> Y = X·Wᵀ: dW += dYᵀ·X; dX = dY·W — both computed as "dot form" products after a
 *     transpose, so one tuned kernel serves all three.</li>
 * <li><b>SSM scan</b> S_t = a_t·S_{t−1} + dt_t·x_t⊗B_t, y_t = S_t·C_t + D·x_t, a_t = exp(dt_t·A).
 *     Going backwards with dS (the gradient flowing into S_t from the future):
 *     dS ← dS + dy_t⊗C_t; dC_t += S_tᵀ·dy_t; da_t = ⟨dS, S_{t−1}⟩; d(dt_t) = ⟨dS, x_t⊗B_t⟩ + da_t·a_t·A;
 *     dx_t += dt_t·dS·B_t + D·dy_t; dB_t += dt_t·dSᵀ·x_t; dA += Σ_t da_t·a_t·dt_t; dS ← a_t·dS.
 *     States are recomputed per √T segment from checkpoints (see Mamba2Train).</li>
 * <li><b>dt</b> = clamp(softplus(raw + dt_bias)): d raw = d dt·σ(raw + dt_bias), zero where the clamp
 *     bites; A = −exp(A_log) ⇒ dA_log = dA·A.</li>
 * <li><b>Gated grouped norm</b> v = y⊙silu(z), RMSNorm per group: dz = dv⊙y⊙silu′(z), dy = dv⊙silu(z),
 *     silu′(z) = σ(z)(1 + z(1 − σ(z))).</li>
 * <li><b>Softmax attention</b> p = softmax(q·k/√d): dp_j = ⟨do, v_j⟩; ds_j = p_j(dp_j − Σ p·dp);
 *     dq += ds_j·k_j/√d; dk_j += ds_j·q/√d; dv_j += p_j·do. RoPE is a rotation: its backward is the
 *     inverse rotation.</li>
 * <li><b>SAL</b> h' = h + m̃·α·(o − h), α = σ(s1 − s0), m̃ straight-through with p1 = σ((s1 + g1 − s0 − g0)/τ):
 *     dh = dh'(1 − m̃α); do = dh'·m̃α; dα = m̃·⟨dh', o − h⟩; dm̃ = α·⟨dh', o − h⟩ − 2λ(C − mean m̃)/T;
 *     ds1 = −ds0 = dα·α(1 − α) + dm̃·p1(1 − p1)/τ.</li>
 * <li><b>Cross-entropy</b> mean over T: dlogits = (softmax − onehot)/T; tied head: the embedding gets the
 *     head's gradient and the lookup's.</li>
 * </ul>
 * All of it is checked against finite differences (GradientCheckTest) and the eval-mode forward against
 * the independent reference fixtures (TrainForwardFixtureTest).
 */
package ai.taipan.engine.train;

// Operator graphs of Hugging Face models for one step of a scenario.
//
// Counting conventions (the numbers `analyze` prints follow from these):
//  - a multiply-accumulate is 2 FLOPs; a bias add is 1 FLOP per output element;
//  - RMSNorm 4 FLOPs per element (square, sum, scale, weight), LayerNorm 5, softmax 5 (max, sub,
//    exp, sum, divide), SiLU-gate 5 (x*sigmoid(x) then * up), GELU-tanh 8, residual add 1, RoPE 3;
//  - causal attention costs only the (query, key) pairs the mask keeps: S(S+1)/2 per head in
//    prefill, C+1 per head for a decode step; a sliding window caps the keys at W;
//  - prefill computes LM-head logits for the last position of each sequence only (what an
//    inference engine does), decode for the one new token;
//  - the vision tower runs in prefill only; decode runs the text decoder alone;
//  - a step reads every weight it uses once, whatever the batch; an embedding lookup reads only
//    the rows it gathers;
//  - a mixture-of-experts layer: the router is a linear (hidden -> experts) and a top-k softmax;
//    each token runs experts_per_token routed experts (their FLOPs are exact), and a step reads
//    the routed experts its tokens chose, expected_distinct_experts() of them (all are stored);
//    the k expert outputs are combined with their router weights (2k FLOPs per element); a shared
//    expert (qwen2_moe) is a dense gated MLP on every token, scaled by a sigmoid gate.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/input_error.h"
#include "workload/hf_config.h"

namespace meshforge::workload {
namespace {

class GraphBuilder {
 public:
  GraphBuilder(Graph& graph, const Scenario& scenario)
      : graph_(graph),
        weight_bytes_(bytes_per_element(scenario.weight_precision)),
        act_bytes_(bytes_per_element(scenario.activation_precision)),
        kv_bytes_(bytes_per_element(scenario.kv_precision)) {}

  void set_scope(std::string block, int layer, std::string prefix) {
    block_ = std::move(block);
    layer_ = layer;
    prefix_ = std::move(prefix);
  }

  // activation[tokens x in] x weight[in x out] (+ bias)
  int linear(const std::string& name, std::int64_t tokens, std::int64_t in, std::int64_t out,
             bool bias, std::vector<int> producers) {
    Op op = make(name, OpKind::matmul, std::move(producers));
    op.gemm = {tokens, in, out, 1};
    op.flops = 2.0 * tokens * in * out + (bias ? 1.0 * tokens * out : 0.0);
    set_parameters(op, in * out + (bias ? out : 0));
    op.input_bytes = act(tokens * in);
    op.output_bytes = act(tokens * out);
    return add(std::move(op));
  }

  // The routed experts' share of one MoE projection: `tokens` tokens each run through k of
  // `experts` (in x out) weights, `distinct` of which the step reads. All experts are stored. Each
  // expert is sharded over the whole stage like a dense weight, so every tile works on every
  // chosen expert (the GEMM shape: `distinct` products of the tokens routed to each).
  int experts_linear(const std::string& name, std::int64_t tokens, std::int64_t k, std::int64_t experts,
                     double distinct, std::int64_t in, std::int64_t out, std::vector<int> producers) {
    Op op = make(name, OpKind::matmul, std::move(producers));
    const std::int64_t routed = tokens * k;
    const std::int64_t products = std::clamp<std::int64_t>(std::llround(distinct), 1, experts);
    op.gemm = {(routed + products - 1) / products, in, out, products};
    op.flops = 2.0 * static_cast<double>(routed) * static_cast<double>(in) * static_cast<double>(out);
    op.parameters = experts * in * out;
    op.weight_bytes = weight(op.parameters);
    op.weight_read_bytes = weight(in * out) * distinct;
    op.input_bytes = act(routed * in);
    op.output_bytes = act(routed * out);
    return add(std::move(op));
  }

  // Element-wise, norm or data-movement op over `elements` outputs reading `inputs` tensors.
  int pointwise(const std::string& name, OpKind kind, std::int64_t elements, double flops_per_element,
                int inputs, std::int64_t parameters, std::vector<int> producers) {
    Op op = make(name, kind, std::move(producers));
    op.flops = flops_per_element * static_cast<double>(elements);
    set_parameters(op, parameters);
    op.input_bytes = act(elements) * inputs;
    op.output_bytes = act(elements);
    return add(std::move(op));
  }

  // Scores, softmax and context of multi-head attention over `sequences` independent sequences.
  // pairs = (query, key) pairs per sequence and head; kv_positions = keys per query read from the
  // KV cache (0 when K and V are fresh activations, as in prefill and in the vision tower).
  int attention(std::int64_t sequences, std::int64_t q_len, std::int64_t pairs, std::int64_t heads,
                std::int64_t kv_heads, std::int64_t head_dim, std::int64_t kv_positions, int q_op,
                int k_op, int v_op) {
    const std::int64_t avg_keys = std::max<std::int64_t>(1, pairs / q_len);
    const double macs = 1.0 * sequences * heads * pairs * head_dim;
    const std::int64_t score_elems = sequences * heads * pairs;
    const double kv_cache_read = kv_positions > 0 ? 1.0 * sequences * kv_positions * kv_heads *
                                                        head_dim * kv_bytes_
                                                  : 0.0;
    const double kv_fresh = kv_positions > 0 ? 0.0 : act(sequences * q_len * kv_heads * head_dim);

    Op scores = make("attn.scores", OpKind::attention_scores, {q_op, k_op});
    scores.gemm = {q_len, head_dim, avg_keys, sequences * heads};
    scores.flops = 2.0 * macs;
    scores.input_bytes = act(sequences * q_len * heads * head_dim) + kv_fresh;
    scores.kv_read_bytes = kv_cache_read;
    scores.output_bytes = act(score_elems);
    const int s = add(std::move(scores));

    const int p = pointwise("attn.softmax", OpKind::softmax, score_elems, 5, 1, 0, {s});

    Op context = make("attn.context", OpKind::attention_context, {p, v_op});
    context.gemm = {q_len, avg_keys, head_dim, sequences * heads};
    context.flops = 2.0 * macs;
    context.input_bytes = act(score_elems) + kv_fresh;
    context.kv_read_bytes = kv_cache_read;
    context.output_bytes = act(sequences * q_len * heads * head_dim);
    return add(std::move(context));
  }

  Op& op(int index) { return graph_.ops[static_cast<std::size_t>(index)]; }
  double act(std::int64_t elements) const { return act_bytes_ * static_cast<double>(elements); }
  double kv(std::int64_t elements) const { return kv_bytes_ * static_cast<double>(elements); }
  double weight(std::int64_t elements) const { return weight_bytes_ * static_cast<double>(elements); }

  Op make(const std::string& name, OpKind kind, std::vector<int> producers) const {
    Op op;
    op.name = prefix_ + name;
    op.kind = kind;
    op.block = block_;
    op.layer = layer_;
    op.producers = std::move(producers);
    return op;
  }

  int add(Op op) {
    graph_.ops.push_back(std::move(op));
    return static_cast<int>(graph_.ops.size()) - 1;
  }

 private:
  void set_parameters(Op& op, std::int64_t parameters) const {
    op.parameters = parameters;
    op.weight_bytes = weight(parameters);
    op.weight_read_bytes = op.weight_bytes;
  }

  Graph& graph_;
  double weight_bytes_, act_bytes_, kv_bytes_;
  std::string block_, prefix_;
  int layer_ = -1;
};

// (query, key) pairs per head of a causal prefill of S tokens with window W (0 = none).
std::int64_t causal_pairs(std::int64_t s, std::int64_t window) {
  if (window <= 0 || window >= s) return s * (s + 1) / 2;
  return window * (window + 1) / 2 + (s - window) * window;
}

struct StepShape {
  std::int64_t sequences;      // batch
  std::int64_t q_len;          // new tokens per sequence this step
  std::int64_t context;        // decode: earlier tokens per sequence; prefill: 0
  bool prefill;
};

// The feed-forward block of a mixture-of-experts layer on `tokens` tokens; returns its output op.
int add_moe_mlp(GraphBuilder& b, const DecoderSpec& t, std::int64_t tokens, int input, double act_flops) {
  const std::int64_t e = t.experts, k = t.experts_per_token, w = t.expert_intermediate;
  const double distinct = expected_distinct_experts(e, k, tokens);
  const int router = b.linear("mlp.router", tokens, t.hidden, e, false, {input});
  const int topk = b.pointwise("mlp.router_topk", OpKind::softmax, tokens * e, 5, 1, 0, {router});
  const int gate = b.experts_linear("mlp.experts.gate_proj", tokens, k, e, distinct, t.hidden, w, {input, topk});
  const int up = b.experts_linear("mlp.experts.up_proj", tokens, k, e, distinct, t.hidden, w, {input, topk});
  const int mul = b.pointwise("mlp.experts.act_mul", OpKind::elementwise, tokens * k * w, act_flops, 2, 0, {gate, up});
  const int down = b.experts_linear("mlp.experts.down_proj", tokens, k, e, distinct, w, t.hidden, {mul});
  const int combined = b.pointwise("mlp.experts.combine", OpKind::elementwise, tokens * t.hidden, 2.0 * k,
                                   static_cast<int>(k), 0, {down, topk});
  if (t.shared_expert_intermediate == 0) return combined;
  const std::int64_t sw = t.shared_expert_intermediate;
  const int s_gate = b.linear("mlp.shared_expert.gate_proj", tokens, t.hidden, sw, false, {input});
  const int s_up = b.linear("mlp.shared_expert.up_proj", tokens, t.hidden, sw, false, {input});
  const int s_mul = b.pointwise("mlp.shared_expert.act_mul", OpKind::elementwise, tokens * sw, act_flops, 2, 0, {s_gate, s_up});
  int shared = b.linear("mlp.shared_expert.down_proj", tokens, sw, t.hidden, false, {s_mul});
  if (t.shared_expert_gate) {
    const int g = b.linear("mlp.shared_expert_gate", tokens, t.hidden, 1, false, {input});
    // sigmoid of one value per token (4 FLOPs), then a multiply per element
    shared = b.pointwise("mlp.shared_expert_scale", OpKind::elementwise, tokens * t.hidden, 1, 1, 0, {shared, g});
    b.op(shared).flops += 4.0 * static_cast<double>(tokens);
  }
  return b.pointwise("mlp.moe_sum", OpKind::elementwise, tokens * t.hidden, 1, 2, 0, {combined, shared});
}

// Appends the text decoder stack; `hidden_in` is the op producing its input embeddings.
int add_decoder(GraphBuilder& b, const DecoderSpec& t, const StepShape& step, int hidden_in) {
  const std::int64_t tokens = step.sequences * step.q_len;
  const std::int64_t q_width = t.heads * t.head_dim, kv_width = t.kv_heads * t.head_dim;
  const bool gemma = t.norms_per_layer == 4;
  const double act_flops = t.activation == MlpActivation::silu ? 5 : 8;
  int residual = hidden_in;
  for (int l = 0; l < t.layers; ++l) {
    b.set_scope("decoder", l, fmt::format("text.layers.{}.", l));
    const bool windowed = t.sliding_window > 0 && (!t.sliding_on_even_layers_only || l % 2 == 0);
    const std::int64_t window = windowed ? t.sliding_window : 0;

    const int norm1 = b.pointwise("input_layernorm", OpKind::norm, tokens * t.hidden, 4, 1, t.hidden, {residual});
    const int q = b.linear("attn.q_proj", tokens, t.hidden, q_width, t.qkv_bias, {norm1});
    const int k = b.linear("attn.k_proj", tokens, t.hidden, kv_width, t.qkv_bias, {norm1});
    const int v = b.linear("attn.v_proj", tokens, t.hidden, kv_width, t.qkv_bias, {norm1});
    b.op(k).kv_write_bytes = b.kv(tokens * kv_width);
    b.op(v).kv_write_bytes = b.kv(tokens * kv_width);
    int q_in = q, k_in = k;
    if (t.qk_norm) {  // qwen3: RMSNorm over each head's queries and keys, one head_dim weight each
      q_in = b.pointwise("attn.q_norm", OpKind::norm, tokens * q_width, 4, 1, t.head_dim, {q});
      k_in = b.pointwise("attn.k_norm", OpKind::norm, tokens * kv_width, 4, 1, t.head_dim, {k});
    }
    const int rope = b.pointwise("attn.rope", OpKind::elementwise, tokens * (q_width + kv_width), 3, 1, 0, {q_in, k_in});

    std::int64_t pairs = 0, cached = 0;
    if (step.prefill) {
      pairs = causal_pairs(step.q_len, window);
    } else {
      const std::int64_t keys = step.context + 1;
      pairs = window > 0 ? std::min(keys, window) : keys;
      cached = pairs;
    }
    const int ctx = b.attention(step.sequences, step.q_len, pairs, t.heads, t.kv_heads, t.head_dim,
                                cached, rope, rope, v);
    int attn_out = b.linear("attn.o_proj", tokens, q_width, t.hidden, t.o_bias, {ctx});
    if (gemma)
      attn_out = b.pointwise("post_attention_layernorm", OpKind::norm, tokens * t.hidden, 4, 1, t.hidden, {attn_out});
    const int res1 = b.pointwise("attn.residual", OpKind::elementwise, tokens * t.hidden, 1, 2, 0, {attn_out, residual});

    const int norm2 = b.pointwise(gemma ? "pre_feedforward_layernorm" : "post_attention_layernorm",
                                  OpKind::norm, tokens * t.hidden, 4, 1, t.hidden, {res1});
    int mlp_out = -1;
    if (t.is_moe_layer(l)) {
      mlp_out = add_moe_mlp(b, t, tokens, norm2, act_flops);
    } else {
      const int gate = b.linear("mlp.gate_proj", tokens, t.hidden, t.intermediate, t.mlp_bias, {norm2});
      const int up = b.linear("mlp.up_proj", tokens, t.hidden, t.intermediate, t.mlp_bias, {norm2});
      const int mul = b.pointwise("mlp.act_mul", OpKind::elementwise, tokens * t.intermediate, act_flops, 2, 0, {gate, up});
      mlp_out = b.linear("mlp.down_proj", tokens, t.intermediate, t.hidden, t.mlp_bias, {mul});
    }
    if (gemma)
      mlp_out = b.pointwise("post_feedforward_layernorm", OpKind::norm, tokens * t.hidden, 4, 1, t.hidden, {mlp_out});
    residual = b.pointwise("mlp.residual", OpKind::elementwise, tokens * t.hidden, 1, 2, 0, {mlp_out, res1});
  }

  b.set_scope("head", -1, "text.");
  const int norm = b.pointwise("norm", OpKind::norm, tokens * t.hidden, 4, 1, t.hidden, {residual});
  // Logits for the last position of each sequence only.
  int head = b.linear("lm_head", step.sequences, t.hidden, t.vocab, false, {norm});
  if (t.tie_embeddings) {  // reads the embedding table, owns no parameters of its own
    Op& op = b.op(head);
    op.parameters = 0;
    op.weight_bytes = 0;
  }
  if (t.final_logit_softcap)
    head = b.pointwise("logit_softcap", OpKind::elementwise, step.sequences * t.vocab, 3, 1, 0, {head});
  return head;
}

int add_embedding(GraphBuilder& b, const DecoderSpec& t, std::int64_t tokens) {
  b.set_scope("embedding", -1, "text.");
  Op op = b.make("embed_tokens", OpKind::embedding, {});
  op.parameters = t.vocab * t.hidden;
  op.weight_bytes = b.weight(op.parameters);
  op.weight_read_bytes = b.weight(tokens * t.hidden);  // gathered rows only
  op.output_bytes = b.act(tokens * t.hidden);
  return b.add(std::move(op));
}

// SigLIP tower + pixel-shuffle connector over `tiles` image tiles; returns the projection op.
int add_vision(GraphBuilder& b, const HfModelSpec& spec, std::int64_t tiles, double pixel_bytes) {
  const VisionSpec& v = *spec.vision;
  const std::int64_t patches = spec.patches_per_tile();
  const std::int64_t tokens = tiles * patches;
  const std::int64_t head_dim = v.hidden / v.heads;
  const std::int64_t patch_in = v.channels * v.patch_size * v.patch_size;

  b.set_scope("vision_embedding", -1, "vision.embeddings.");
  Op conv = b.make("patch_embedding", OpKind::conv, {});
  conv.gemm = {tokens, patch_in, v.hidden, 1};
  conv.flops = 2.0 * tokens * patch_in * v.hidden + 1.0 * tokens * v.hidden;
  conv.parameters = patch_in * v.hidden + v.hidden;
  conv.weight_bytes = conv.weight_read_bytes = b.weight(conv.parameters);
  conv.input_bytes = pixel_bytes;
  conv.output_bytes = b.act(tokens * v.hidden);
  int x = b.add(std::move(conv));
  x = b.pointwise("position_embedding", OpKind::elementwise, tokens * v.hidden, 1, 1, patches * v.hidden, {x});

  for (int l = 0; l < v.layers; ++l) {
    b.set_scope("vision_encoder", l, fmt::format("vision.layers.{}.", l));
    const int n1 = b.pointwise("layer_norm1", OpKind::norm, tokens * v.hidden, 5, 1, 2 * v.hidden, {x});
    const int q = b.linear("attn.q_proj", tokens, v.hidden, v.hidden, true, {n1});
    const int k = b.linear("attn.k_proj", tokens, v.hidden, v.hidden, true, {n1});
    const int val = b.linear("attn.v_proj", tokens, v.hidden, v.hidden, true, {n1});
    const int ctx = b.attention(tiles, patches, patches * patches, v.heads, v.heads, head_dim, 0, q, k, val);
    const int o = b.linear("attn.out_proj", tokens, v.hidden, v.hidden, true, {ctx});
    const int r1 = b.pointwise("attn.residual", OpKind::elementwise, tokens * v.hidden, 1, 2, 0, {o, x});
    const int n2 = b.pointwise("layer_norm2", OpKind::norm, tokens * v.hidden, 5, 1, 2 * v.hidden, {r1});
    const int fc1 = b.linear("mlp.fc1", tokens, v.hidden, v.intermediate, true, {n2});
    const int gelu = b.pointwise("mlp.gelu", OpKind::elementwise, tokens * v.intermediate, 8, 1, 0, {fc1});
    const int fc2 = b.linear("mlp.fc2", tokens, v.intermediate, v.hidden, true, {gelu});
    x = b.pointwise("mlp.residual", OpKind::elementwise, tokens * v.hidden, 1, 2, 0, {fc2, r1});
  }
  b.set_scope("vision_head", -1, "vision.");
  x = b.pointwise("post_layernorm", OpKind::norm, tokens * v.hidden, 5, 1, 2 * v.hidden, {x});

  b.set_scope("connector", -1, "connector.");
  const std::int64_t sf2 = spec.scale_factor * spec.scale_factor;
  const int shuffle = b.pointwise("pixel_shuffle", OpKind::data_movement, tokens * v.hidden, 0, 1, 0, {x});
  return b.linear("modality_projection", tokens / sf2, v.hidden * sf2, spec.text.hidden, false, {shuffle});
}

void check_scenario(const Scenario& s) {
  if (s.batch < 1) throw InputError("", "--batch", fmt::format("must be at least 1, got {}", s.batch));
  if (s.seq_tokens < 1) throw InputError("", "--seq", fmt::format("must be at least 1, got {}", s.seq_tokens));
  if (s.context_tokens < 0) throw InputError("", "--ctx", fmt::format("must be 0 or more, got {}", s.context_tokens));
  if (s.images < 0) throw InputError("", "--images", fmt::format("must be 0 or more, got {}", s.images));
  if (s.image_tiles_per_side < 0)
    throw InputError("", "--image-split", fmt::format("must be 0 or more, got {}", s.image_tiles_per_side));
  if (s.image_tiles_per_side > kMaxImageTilesPerSide)
    throw InputError("", "--image-split", fmt::format("must be at most {}, got {}", kMaxImageTilesPerSide, s.image_tiles_per_side));
  if (s.images > kMaxImagesPerSequence)
    throw InputError("", "--images", fmt::format("must be at most {}, got {}", kMaxImagesPerSequence, s.images));
  if (s.seq_tokens > kMaxScenarioTokens)
    throw InputError("", "--seq", fmt::format("must be at most {}, got {}", kMaxScenarioTokens, s.seq_tokens));
  if (s.context_tokens > kMaxScenarioTokens)
    throw InputError("", "--ctx", fmt::format("must be at most {}, got {}", kMaxScenarioTokens, s.context_tokens));
}

// Positions beyond max_position_embeddings: the model was not trained for them (the cost model
// still costs them). One warning for the prompt, one for an explicit decode context.
void warn_beyond_positions(const HfModelSpec& spec, const Scenario& s, std::int64_t image_tokens,
                           std::vector<std::string>& warnings) {
  const std::int64_t limit = spec.text.max_positions;
  if (limit <= 0) return;
  const std::int64_t prompt = s.seq_tokens + image_tokens;
  const std::string beyond = fmt::format("{}'s max_position_embeddings ({})", spec.name, limit);
  if (prompt > limit)
    warnings.push_back(image_tokens > 0 ? fmt::format("--seq {} plus {} image tokens = {} prompt tokens exceed {}",
                                                      s.seq_tokens, image_tokens, prompt, beyond)
                                        : fmt::format("--seq {} exceeds {}", s.seq_tokens, beyond));
  if (s.context_tokens > limit) warnings.push_back(fmt::format("--ctx {} exceeds {}", s.context_tokens, beyond));
}

// The builder counts elements in 64 bits: the largest tensors of a step are its tokens times the
// widest projection (a MoE layer's k routed copies included) and its attention scores. Each factor
// is bounded on its own, their product need not be (a batch of 1 M at 16 M tokens).
void check_element_counts(const DecoderSpec& t, const StepShape& step) {
  const double tokens = static_cast<double>(step.sequences) * static_cast<double>(step.q_len);
  const double widest = std::max({static_cast<double>(t.hidden), static_cast<double>(t.intermediate),
                                  static_cast<double>(t.vocab), static_cast<double>(t.heads * t.head_dim),
                                  static_cast<double>(t.experts_per_token) * static_cast<double>(t.expert_intermediate),
                                  static_cast<double>(t.experts_per_token) * static_cast<double>(t.hidden),
                                  static_cast<double>(t.experts)});
  const double q = static_cast<double>(step.q_len);
  const double pairs = step.prefill ? q * (q + 1) / 2 : static_cast<double>(step.context) + 1;
  const double scores = static_cast<double>(step.sequences) * static_cast<double>(t.heads) * pairs;
  constexpr double kMaxElements = 4.0e18;  // below 2^63 with room for the sums over layers
  if (tokens * widest > kMaxElements || scores > kMaxElements)
    throw InputError("", "--batch", fmt::format("a step of {} sequences x {} tokens has {:.3g} elements in one tensor, "
                                                "beyond a 64-bit count", step.sequences, step.q_len,
                                                std::max(tokens * widest, scores)));
}

}  // namespace

Graph build_hf_graph(const HfModelSpec& spec, const Scenario& scenario) {
  check_scenario(scenario);
  Graph graph;
  graph.model_name = spec.name;
  graph.model_type = spec.model_type;
  graph.scenario = scenario;
  graph.unit = WorkUnit::token;
  graph.vision_tower = spec.vision.has_value();
  graph.max_positions = spec.text.max_positions;
  graph.parameters = count_parameters(spec);
  graph.input_embedding_parameters = spec.text.vocab * spec.text.hidden;
  graph.decode_parameters = count_active_decoder_parameters(spec.text);
  const DecoderSpec& t = spec.text;
  graph.kv_cache_bytes_per_token = static_cast<std::int64_t>(
      2.0 * t.layers * t.kv_heads * t.head_dim * bytes_per_element(scenario.kv_precision));

  const std::int64_t split = scenario.image_tiles_per_side > 0 ? scenario.image_tiles_per_side
                                                                : spec.image_tiles_per_side;
  const std::int64_t images = spec.vision ? scenario.images : 0;
  // Bounded factors (images, split, patches per tile) keep this product in 64 bits; with the image
  // tokens the prompt must still stay within the scenario bound (check_scenario bounds --seq
  // alone), or the attention pair counts below would wrap.
  const std::int64_t image_tokens = images * spec.image_tokens_per_image(split);
  const std::int64_t prompt = scenario.seq_tokens + image_tokens;
  if (prompt > kMaxScenarioTokens)
    throw InputError("", "--images",
                     fmt::format("a prompt of {} tokens per sequence ({} text + {} image tokens) is more than {}",
                                 prompt, scenario.seq_tokens, image_tokens, kMaxScenarioTokens));
  warn_beyond_positions(spec, scenario, image_tokens, graph.warnings);
  if (graph.scenario.context_tokens == 0) graph.scenario.context_tokens = prompt;

  GraphBuilder b(graph, scenario);
  const bool prefill = scenario.phase == Phase::prefill;
  const StepShape step{scenario.batch, prefill ? prompt : 1, prefill ? 0 : graph.scenario.context_tokens, prefill};
  graph.tokens_per_sequence = step.q_len;
  graph.tokens = step.sequences * step.q_len;
  check_element_counts(t, step);

  const std::int64_t text_tokens = prefill ? scenario.batch * scenario.seq_tokens : scenario.batch;
  int hidden = add_embedding(b, t, text_tokens);
  if (prefill && image_tokens > 0) {
    const std::int64_t tiles_per_image = split * split + (split > 1 ? 1 : 0);
    const std::int64_t tiles = scenario.batch * images * tiles_per_image;
    const double pixel_bytes = b.act(tiles * spec.vision->channels * spec.vision->image_size *
                                     spec.vision->image_size);
    const int projected = add_vision(b, spec, tiles, pixel_bytes);
    b.set_scope("embedding", -1, "text.");
    hidden = b.pointwise("merge_image_tokens", OpKind::data_movement, graph.tokens * t.hidden, 0, 1, 0,
                         {hidden, projected});
  }
  add_decoder(b, t, step, hidden);
  return graph;
}

}  // namespace meshforge::workload

// The operator graph of a model, built for one scenario (phase, lengths, batch, precisions).
// Plain data: builders fill it, everything downstream only reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meshforge::workload {

enum class Precision { fp32, fp16, bf16, fp8, int8, int4 };

// Storage size of one element; int4 packs two per byte.
double bytes_per_element(Precision p);
std::string_view to_string(Precision p);
std::optional<Precision> parse_precision(std::string_view name);  // "fp16", "int4", ...

enum class Phase { prefill, decode };
std::string_view to_string(Phase p);
std::optional<Phase> parse_phase(std::string_view name);

// Bounds on a scenario, far beyond any real model's (the command line and regimes check them
// first): every count the graph builder multiplies stays well inside 64 bits.
inline constexpr std::int64_t kMaxScenarioTokens = std::int64_t{1} << 24;  // prompt (text + image) or context per sequence
inline constexpr std::int64_t kMaxImageTilesPerSide = 64;                // image split: 64 x 64 tiles
inline constexpr std::int64_t kMaxImagesPerSequence = 1024;

// What the graph computes: one forward step of the model.
//  prefill: batch sequences of prompt_tokens tokens each (text tokens plus image tokens).
//  decode:  one new token for each of batch sequences, attending to context_tokens earlier ones.
struct Scenario {
  Phase phase = Phase::decode;
  std::int64_t seq_tokens = 512;      // prefill: text prompt tokens S per sequence
  std::int64_t context_tokens = 0;    // decode: context C per sequence; 0 = the prompt length
  std::int64_t batch = 1;             // B sequences processed together
  std::int64_t images = 1;            // vision-language models: images per sequence
  std::int64_t image_tiles_per_side = 0;  // split of each image into n x n tiles; 0 = model default
  Precision weight_precision = Precision::fp16;
  Precision activation_precision = Precision::fp16;
  Precision kv_precision = Precision::fp16;
};

// The format MAC lanes run a scenario in: the wider of its weights and activations.
Precision mac_precision(const Scenario& s);

// What one unit of a graph's work is: the unit of Graph::tokens and tokens_per_sequence, and so
// of every "per token" and "tokens/s" figure downstream.
//  token:     language models (Hugging Face configs), and ONNX models whose token dimension is
//             named (--token-dim): one unit per token of each sequence.
//  inference: ONNX models otherwise (an MLP, a CNN): one unit per run of the graph for each
//             sequence of the batch, whatever --seq says.
enum class WorkUnit { token, inference };
std::string_view to_string(WorkUnit u);  // "token", "inference"
std::string_view plural(WorkUnit u);     // "tokens", "inferences"

enum class OpKind {
  matmul,             // activation x weight (linear / projection / LM head)
  attention_scores,   // Q x K^T over the context
  attention_context,  // softmax(scores) x V
  softmax,
  norm,               // RMSNorm or LayerNorm
  elementwise,        // add, mul, activation functions, RoPE, scaling
  embedding,          // table lookup (gather)
  conv,               // convolution (patch embedding)
  data_movement,      // reshape, transpose, pixel shuffle, concat: bytes but no arithmetic
  unsupported,        // an ONNX op meshforge cannot cost; listed with a warning, never dropped
};
std::string_view to_string(OpKind k);

// Dimensions of a GEMM-like op: `count` independent (m x k) * (k x n) products.
// Zero for ops that are not GEMMs. Mapping uses them for vector-lane utilisation.
struct GemmShape {
  std::int64_t m = 0, k = 0, n = 0, count = 0;
};

struct Op {
  std::string name;        // e.g. "text.layers.3.attn.q_proj"
  std::string op_type;     // the ONNX operator ("MatMul", "Relu"); empty in built-in graphs
  OpKind kind = OpKind::elementwise;
  std::string block;       // layer type: "embedding", "decoder", "vision_encoder", "connector", "head", ...
  int layer = -1;          // index within its block's stack, -1 when not in a repeated layer
  GemmShape gemm;
  double flops = 0;                 // arithmetic operations in this step (a MAC counts 2)
  std::int64_t parameters = 0;      // model parameters owned by this op
  double weight_bytes = 0;          // storage of those parameters at the weight precision
  double weight_read_bytes = 0;     // weight bytes this step must read (a lookup reads only its rows)
  double input_bytes = 0;           // activations read (not weights, not KV cache)
  double output_bytes = 0;          // activations written
  double kv_read_bytes = 0;         // KV cache read in this step
  double kv_write_bytes = 0;        // KV cache written in this step
  std::vector<int> producers;       // indices of the ops whose outputs this op reads
};

struct Graph {
  std::string model_name;           // short name or file stem
  std::string model_type;           // "llama", "idefics3", "onnx", ...
  Scenario scenario;                // as built (context_tokens resolved)
  WorkUnit unit = WorkUnit::token;  // what tokens and tokens_per_sequence count
  std::int64_t tokens_per_sequence = 0;  // prefill: prompt tokens incl. image tokens; decode: 1
  std::int64_t tokens = 0;          // tokens this step produces/consumes over the batch
  bool vision_tower = false;        // takes images (Scenario::images); false for text-only models
  std::int64_t max_positions = 0;   // the model's max_position_embeddings; 0 = not stated
  std::int64_t parameters = 0;      // all parameters of the model, counted once (tied counted once)
  std::int64_t input_embedding_parameters = 0;
  std::int64_t decode_parameters = 0;    // parameters the text decoder uses per generated token
  std::int64_t kv_cache_bytes_per_token = 0;  // KV cache one token of context occupies
  std::vector<Op> ops;              // topological order: producers come first
  std::vector<std::string> warnings;  // e.g. ONNX ops that could not be costed
  std::vector<std::string> notes;     // what an importer recognised (e.g. an ONNX model's KV cache)

  double total_flops() const;
  double total_weight_read_bytes() const;
  double total_weight_bytes() const;   // storage of all parameters
};

}  // namespace meshforge::workload

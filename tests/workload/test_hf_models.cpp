// Hugging Face builders: published parameter counts, FLOP identities, phase behaviour, bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <fstream>

#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "workload/hf_config.h"
#include "workload/model.h"
#include "workload/summary.h"

namespace meshforge::workload {
namespace {

const std::filesystem::path kData = MESHFORGE_TEST_DATA_DIR;

HfModelSpec shipped(const std::string& name) {
  return parse_hf_config(kData / "models" / (name + ".json"));
}

Scenario decode_at(std::int64_t ctx) {
  Scenario s;
  s.phase = Phase::decode;
  s.context_tokens = ctx;
  return s;
}

Scenario prefill_of(std::int64_t seq, std::int64_t images = 0) {
  Scenario s;
  s.phase = Phase::prefill;
  s.seq_tokens = seq;
  s.images = images;
  return s;
}

std::int64_t sum_op_parameters(const Graph& g) {
  std::int64_t total = 0;
  for (const auto& op : g.ops) total += op.parameters;
  return total;
}

struct PublishedCount {
  const char* name;
  std::int64_t parameters;
};

class PublishedParameters : public ::testing::TestWithParam<PublishedCount> {};

TEST_P(PublishedParameters, SpecAndGraphMatchPublishedCount) {
  const auto spec = shipped(GetParam().name);
  EXPECT_EQ(count_parameters(spec), GetParam().parameters);
  // A prefill with one image touches every parameter exactly once: the graph must agree.
  const Graph g = build_hf_graph(spec, prefill_of(16, spec.vision ? 1 : 0));
  EXPECT_EQ(g.parameters, GetParam().parameters);
  EXPECT_EQ(sum_op_parameters(g), GetParam().parameters);
}

INSTANTIATE_TEST_SUITE_P(ShippedConfigs, PublishedParameters,
                         ::testing::Values(PublishedCount{"llama-3.1-8b", 8'030'261'248},
                                           PublishedCount{"smolvlm-256m-instruct", 256'484'928},
                                           PublishedCount{"smolvlm-500m-instruct", 507'482'304},
                                           PublishedCount{"smolvlm-instruct", 2'246'272'880},
                                           PublishedCount{"mixtral-8x7b", 46'702'792'704},
                                           PublishedCount{"qwen1.5-moe-a2.7b", 14'315'784'192},
                                           PublishedCount{"qwen3-8b", 8'190'735'360},
                                           PublishedCount{"qwen3-30b-a3b", 30'532'122'624}),
                         [](const auto& param_info) {
                           std::string n = param_info.param.name;
                           for (auto& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(SmolVlm256m, PartsMatchPublishedSplit) {
  const auto spec = shipped("smolvlm-256m-instruct");
  ASSERT_TRUE(spec.vision.has_value());
  EXPECT_EQ(count_vision_parameters(*spec.vision), 86'433'024);
  EXPECT_EQ(count_decoder_parameters(spec.text), 162'974'016);
  EXPECT_EQ(spec.vision->hidden * spec.scale_factor * spec.scale_factor * spec.text.hidden, 7'077'888);
}

class DecodeFlops : public ::testing::TestWithParam<const char*> {};

TEST_P(DecodeFlops, AboutTwiceTheNonEmbeddingParametersAtShortContext) {
  const Graph g = build_hf_graph(shipped(GetParam()), decode_at(128));
  const double expected = 2.0 * static_cast<double>(g.decode_parameters - g.input_embedding_parameters);
  const double per_token = summarize(g).flops_per_token;
  EXPECT_NEAR(per_token / expected, 1.0, 0.05) << per_token << " vs " << expected;
  EXPECT_GT(per_token, expected);  // attention and element-wise work come on top
}

INSTANTIATE_TEST_SUITE_P(ShippedConfigs, DecodeFlops,
                         ::testing::Values("llama-3.1-8b", "smolvlm-256m-instruct",
                                           "smolvlm-500m-instruct", "smolvlm-instruct", "mixtral-8x7b",
                                           "qwen1.5-moe-a2.7b", "qwen3-8b", "qwen3-30b-a3b"),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           for (auto& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

TEST(Llama, DecodeMatmulFlopsAreExactlyTwiceTheProjectionParameters) {
  const Graph g = build_hf_graph(shipped("llama-3.1-8b"), decode_at(128));
  double matmul_flops = 0;
  for (const auto& op : g.ops)
    if (op.kind == OpKind::matmul) matmul_flops += op.flops;
  EXPECT_DOUBLE_EQ(matmul_flops, 2.0 * (8'030'261'248.0 - 525'336'576.0 - 65.0 * 4096.0));
}

TEST(Llama, PrefillAttentionFlopsGrowAsSequenceSquared) {
  const auto spec = shipped("llama-3.1-8b");
  auto attention_flops = [&](std::int64_t s) {
    double f = 0;
    for (const auto& op : build_hf_graph(spec, prefill_of(s)).ops)
      if (op.kind == OpKind::attention_scores || op.kind == OpKind::attention_context) f += op.flops;
    return f;
  };
  const double a1 = attention_flops(1024), a2 = attention_flops(2048), a4 = attention_flops(4096);
  // Causal: S(S+1)/2 pairs -> ratio (2S)(2S+1)/(S(S+1)) -> 4 as S grows.
  EXPECT_NEAR(a2 / a1, 4.0, 0.01);
  EXPECT_NEAR(a4 / a2, 4.0, 0.01);
  EXPECT_DOUBLE_EQ(a1, 2.0 * 2.0 * 32 * 32 * 128 * (1024.0 * 1025.0 / 2.0));
}

TEST(Llama, DecodeReadsEveryWeightAndTheWholeKvCache) {
  const Graph g = build_hf_graph(shipped("llama-3.1-8b"), decode_at(1000));
  const auto s = summarize(g);
  // All weights but the embedding table (one row gathered), at fp16.
  EXPECT_DOUBLE_EQ(s.weight_bytes_per_token, 2.0 * (8'030'261'248.0 - 525'336'576.0) + 2.0 * 4096);
  // K and V of 1001 positions, 8 KV heads x 128, 32 layers, fp16, plus the new token's write.
  const double kv_per_position = 2.0 * 32 * 8 * 128 * 2;
  EXPECT_DOUBLE_EQ(s.kv_bytes_per_token, kv_per_position * 1001 + kv_per_position);
  EXPECT_EQ(g.kv_cache_bytes_per_token, 131072);
}

TEST(Llama, BatchSharesWeightReads) {
  const auto spec = shipped("llama-3.1-8b");
  Scenario one = decode_at(128), eight = decode_at(128);
  eight.batch = 8;
  const auto s1 = summarize(build_hf_graph(spec, one)), s8 = summarize(build_hf_graph(spec, eight));
  EXPECT_NEAR(s8.weight_bytes_per_token * 8, s1.weight_bytes_per_token, s1.weight_bytes_per_token * 1e-3);
  EXPECT_NEAR(s8.flops_per_token, s1.flops_per_token, s1.flops_per_token * 1e-9);
}

TEST(Precision, Int4HalvesInt8WeightBytes) {
  const auto spec = shipped("llama-3.1-8b");
  Scenario a = decode_at(128), b = decode_at(128);
  a.weight_precision = Precision::int8;
  b.weight_precision = Precision::int4;
  EXPECT_DOUBLE_EQ(build_hf_graph(spec, a).total_weight_bytes(),
                   2.0 * build_hf_graph(spec, b).total_weight_bytes());
}

TEST(Graph, OpsAreTopologicallyOrdered) {
  for (const char* name : {"llama-3.1-8b", "smolvlm-256m-instruct"}) {
    const Graph g = build_hf_graph(shipped(name), prefill_of(64, 1));
    for (std::size_t i = 0; i < g.ops.size(); ++i)
      for (int p : g.ops[i].producers) {
        EXPECT_GE(p, 0);
        EXPECT_LT(static_cast<std::size_t>(p), i) << g.ops[i].name;
      }
  }
}

TEST(SmolVlm, ImageTokensFromImageSizePatchScaleAndSplit) {
  const auto s256 = shipped("smolvlm-256m-instruct");
  EXPECT_EQ(s256.tokens_per_tile(), 64);          // (512/16)^2 / 4^2
  EXPECT_EQ(s256.image_tiles_per_side, 4);        // size.longest_edge 2048 / 512
  EXPECT_EQ(s256.image_tokens_per_image(4), 17 * 64);
  EXPECT_EQ(s256.image_tokens_per_image(1), 64);  // no split: the global tile alone
  const auto s2b = shipped("smolvlm-instruct");
  EXPECT_EQ(s2b.tokens_per_tile(), 81);           // config's image_seq_len: (384/14)^2 / 3^2

  const Graph g = build_hf_graph(s256, prefill_of(100, 2));
  EXPECT_EQ(g.tokens_per_sequence, 100 + 2 * 17 * 64);
  const Graph text_only = build_hf_graph(s256, prefill_of(100, 0));
  EXPECT_EQ(text_only.tokens_per_sequence, 100);
  for (const auto& op : text_only.ops) EXPECT_NE(op.block, "vision_encoder");
}

TEST(SmolVlm, DecodeRunsTheTextDecoderOnlyWithContextFromThePrompt) {
  Scenario s;
  s.phase = Phase::decode;
  s.seq_tokens = 100;
  s.images = 1;
  const Graph g = build_hf_graph(shipped("smolvlm-256m-instruct"), s);
  EXPECT_EQ(g.scenario.context_tokens, 100 + 17 * 64);
  EXPECT_EQ(g.tokens, 1);
  for (const auto& op : g.ops) EXPECT_EQ(op.block.find("vision"), std::string::npos) << op.name;
  EXPECT_EQ(sum_op_parameters(g), g.decode_parameters);
}

// --- Other Llama-family model types, with their reference defaults --------------------------

HfModelSpec from_text(const std::string& json) { return parse_hf_config_text(json, "inline.json"); }

TEST(ModelTypes, Qwen2HasQkvBiasAndTiedEmbeddingsCountOnce) {
  // Qwen2-0.5B: 494,032,768 parameters (published).
  const auto spec = from_text(R"({"model_type":"qwen2","hidden_size":896,"intermediate_size":4864,
      "num_hidden_layers":24,"num_attention_heads":14,"num_key_value_heads":2,"vocab_size":151936,
      "tie_word_embeddings":true})");
  EXPECT_TRUE(spec.text.qkv_bias);
  EXPECT_EQ(count_parameters(spec), 494'032'768);
  const Graph g = build_hf_graph(spec, decode_at(16));
  EXPECT_EQ(sum_op_parameters(g), 494'032'768);
  // The tied LM head still reads the whole table.
  const auto& head = *std::find_if(g.ops.begin(), g.ops.end(), [](const Op& o) { return o.name == "text.lm_head"; });
  EXPECT_DOUBLE_EQ(head.weight_read_bytes, 2.0 * 151936 * 896);
  EXPECT_EQ(head.parameters, 0);
}

TEST(ModelTypes, Gemma2DefaultsFourNormsTiedHeadDim256) {
  // Gemma-2-2B shapes; count by hand: per layer q,o 2304x2048, k,v 2304x1024, MLP 3x2304x9216,
  // four norms; tied embedding 256000x2304 once; final norm.
  const auto spec = from_text(R"({"model_type":"gemma2","hidden_size":2304,"intermediate_size":9216,
      "num_hidden_layers":26,"num_attention_heads":8,"num_key_value_heads":4,"vocab_size":256000})");
  EXPECT_EQ(spec.text.head_dim, 256);
  EXPECT_TRUE(spec.text.tie_embeddings);
  EXPECT_EQ(spec.text.norms_per_layer, 4);
  EXPECT_EQ(spec.text.sliding_window, 4096);
  const std::int64_t layer = 2 * 2304 * 2048 + 2 * 2304 * 1024 + 3 * 2304 * 9216 + 4 * 2304;
  EXPECT_EQ(count_parameters(spec), 26 * layer + 256000LL * 2304 + 2304);
}

TEST(ModelTypes, MistralSlidingWindowCapsDecodeAttention) {
  // Mistral-7B-v0.1: 7,241,732,096 parameters (published); window 4096 by default.
  const auto spec = from_text(R"({"model_type":"mistral","hidden_size":4096,"num_hidden_layers":32,
      "num_attention_heads":32})");
  EXPECT_EQ(spec.text.kv_heads, 8);
  EXPECT_EQ(spec.text.intermediate, 14336);
  EXPECT_EQ(count_parameters(spec), 7'241'732'096);
  const double at_8k = summarize(build_hf_graph(spec, decode_at(8000))).kv_bytes_per_token;
  const double at_16k = summarize(build_hf_graph(spec, decode_at(16000))).kv_bytes_per_token;
  EXPECT_DOUBLE_EQ(at_8k, at_16k);
  const auto full = from_text(R"({"model_type":"mistral","hidden_size":4096,"num_hidden_layers":32,
      "num_attention_heads":32,"sliding_window":null})");
  EXPECT_EQ(full.text.sliding_window, 0);
}

TEST(ModelTypes, Phi3MiniCount) {
  // Phi-3-mini-4k-instruct: 3,821,079,552 parameters (published).
  const auto spec = from_text(R"({"model_type":"phi3","hidden_size":3072,"intermediate_size":8192,
      "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":32,"vocab_size":32064})");
  EXPECT_EQ(count_parameters(spec), 3'821'079'552);
}

// --- Mixture of experts and Qwen3 -----------------------------------------------------------

const Op& op_named(const Graph& g, const std::string& name) {
  const auto it = std::find_if(g.ops.begin(), g.ops.end(), [&](const Op& o) { return o.name == name; });
  if (it == g.ops.end()) throw std::runtime_error("no op " + name);
  return *it;
}

TEST(MixtureOfExperts, ActiveParametersArePublishedAndDecodeReadsOnlyTheChosenExperts) {
  // Mixtral 8x7B: 12.9 B active of 46.7 B (published wording); exactly 2 of 8 experts per token.
  const Graph g = build_hf_graph(shipped("mixtral-8x7b"), decode_at(128));
  EXPECT_EQ(g.decode_parameters, 12'879'925'248);
  EXPECT_NEAR(static_cast<double>(g.decode_parameters) / 1e9, 12.9, 0.05);
  const Op& up = op_named(g, "text.layers.0.mlp.experts.up_proj");
  EXPECT_EQ(up.parameters, 8LL * 4096 * 14336);                              // every expert is stored
  EXPECT_DOUBLE_EQ(up.weight_read_bytes, 2.0 * 2 * 4096 * 14336);            // two are read (fp16)
  EXPECT_DOUBLE_EQ(up.flops, 2.0 * 2 * 4096 * 14336);                        // and run
  EXPECT_EQ(op_named(g, "text.layers.0.mlp.router").parameters, 4096 * 8);
  // The weights a decode step reads: the active parameters (the embedding read as one row).
  double read = 0;
  for (const auto& op : g.ops) read += op.weight_read_bytes;
  EXPECT_NEAR(read / 2.0, static_cast<double>(g.decode_parameters - g.input_embedding_parameters + 4096), 1.0);
}

TEST(MixtureOfExperts, ABatchReadsTheExpectedNumberOfDistinctExperts) {
  EXPECT_DOUBLE_EQ(expected_distinct_experts(8, 2, 1), 2.0);
  EXPECT_DOUBLE_EQ(expected_distinct_experts(8, 2, 2), 8.0 * (1 - 0.75 * 0.75));  // 3.5
  EXPECT_NEAR(expected_distinct_experts(128, 8, 4096), 128.0, 1e-9);              // a prefill reads all
  EXPECT_DOUBLE_EQ(expected_distinct_experts(8, 8, 3), 8.0);
  Scenario s = decode_at(128);
  s.batch = 4;
  const Graph g = build_hf_graph(shipped("qwen3-30b-a3b"), s);
  const Op& down = op_named(g, "text.layers.5.mlp.experts.down_proj");
  const double distinct = 128.0 * (1.0 - std::pow(1.0 - 8.0 / 128.0, 4));  // 29.0 of 32 routed
  EXPECT_NEAR(down.weight_read_bytes, distinct * 768 * 2048 * 2.0, 1.0);
  EXPECT_DOUBLE_EQ(down.flops, 2.0 * 4 * 8 * 768 * 2048);  // FLOPs count every routed token
  EXPECT_EQ(down.gemm.count, 29);
  EXPECT_EQ(down.gemm.m, 2);  // 32 routed tokens over 29 experts, rounded up
}

TEST(MixtureOfExperts, Qwen2MoeHasASharedExpertAndDenseLayersWhereTheConfigSaysSo) {
  // Qwen1.5-MoE-A2.7B: 2.7 B activated (published wording), 60 experts, top 4, one shared expert.
  const auto spec = shipped("qwen1.5-moe-a2.7b");
  EXPECT_EQ(count_active_decoder_parameters(spec.text), 2'689'173'504);
  const Graph g = build_hf_graph(spec, decode_at(16));
  EXPECT_EQ(op_named(g, "text.layers.3.mlp.shared_expert.up_proj").parameters, 2048 * 5632);
  EXPECT_EQ(op_named(g, "text.layers.3.mlp.shared_expert_gate").parameters, 2048);
  EXPECT_TRUE(op_named(g, "text.layers.3.attn.q_proj").parameters == 2048 * 2048 + 2048);  // q/k/v bias
  EXPECT_EQ(op_named(g, "text.layers.3.attn.o_proj").parameters, 2048 * 2048);               // o_proj none
  // decoder_sparse_step 2 and mlp_only_layers [1]: layers 1 and every even index stay dense.
  auto j = nlohmann::json::parse(std::ifstream(kData / "models" / "qwen1.5-moe-a2.7b.json"));
  j["decoder_sparse_step"] = 2;
  j["mlp_only_layers"] = {1};
  const auto sparse = parse_hf_config_text(j.dump(), "sparse.json");
  EXPECT_FALSE(sparse.text.is_moe_layer(0));
  EXPECT_FALSE(sparse.text.is_moe_layer(1));
  EXPECT_TRUE(sparse.text.is_moe_layer(3));
  const Graph gs = build_hf_graph(sparse, decode_at(16));
  EXPECT_EQ(op_named(gs, "text.layers.0.mlp.up_proj").parameters, 2048 * 5632);  // dense width
  EXPECT_EQ(sum_op_parameters(gs), count_parameters(sparse));
  EXPECT_LT(count_parameters(sparse), count_parameters(spec));
}

TEST(Qwen3, NormalisesEachHeadsQueriesAndKeys) {
  const Graph g = build_hf_graph(shipped("qwen3-8b"), decode_at(16));
  const Op& q_norm = op_named(g, "text.layers.0.attn.q_norm");
  EXPECT_EQ(q_norm.kind, OpKind::norm);
  EXPECT_EQ(q_norm.parameters, 128);
  EXPECT_DOUBLE_EQ(q_norm.flops, 4.0 * 32 * 128);
  EXPECT_EQ(op_named(g, "text.layers.0.attn.k_norm").parameters, 128);
  // Explicit head_dim: 32 heads x 128 = 4096 query width, 8 KV heads x 128 cached per layer.
  EXPECT_EQ(g.kv_cache_bytes_per_token, 2LL * 36 * 8 * 128 * 2);
  const Op& rope = op_named(g, "text.layers.0.attn.rope");
  EXPECT_THAT(rope.producers, ::testing::ElementsAre(
                                  static_cast<int>(&q_norm - g.ops.data()),
                                  static_cast<int>(&op_named(g, "text.layers.0.attn.k_norm") - g.ops.data())));
}

// --- Bad input ------------------------------------------------------------------------------

void expect_input_error(const std::function<void()>& fn, const std::string& file_part,
                        const std::string& field, const std::string& reason_part) {
  try {
    fn();
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.file(), ::testing::HasSubstr(file_part));
    EXPECT_EQ(e.field(), field);
    EXPECT_THAT(e.reason(), ::testing::HasSubstr(reason_part));
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line";
  }
}

TEST(BadInput, MissingFile) {
  expect_input_error([] { parse_hf_config("/nonexistent/config.json"); }, "/nonexistent/config.json", "",
                     "cannot open");
}

TEST(BadInput, MalformedJsonGivesLine) {
  expect_input_error([] { from_text("{\"model_type\": \"llama\",\n \"hidden_size\": }"); }, "inline.json",
                     "", "line 2");
}

TEST(BadInput, UnknownModelTypeListsSupported) {
  expect_input_error([] { from_text(R"({"model_type":"bert","hidden_size":768})"); }, "inline.json",
                     "model_type", "supported: llama, mistral, qwen2, qwen3, phi3, gemma2, mixtral, qwen2_moe, qwen3_moe, idefics3");
}

TEST(BadInput, MissingRequiredField) {
  expect_input_error([] { from_text(R"({"model_type":"llama","hidden_size":768,"num_attention_heads":12})"); },
                     "inline.json", "num_hidden_layers", "required field is missing");
}

TEST(BadInput, WrongTypeAndImpossibleValues) {
  expect_input_error(
      [] { from_text(R"({"model_type":"llama","hidden_size":"big","num_hidden_layers":2,"num_attention_heads":2})"); },
      "inline.json", "hidden_size", "positive integer");
  expect_input_error(
      [] { from_text(R"({"model_type":"llama","hidden_size":100,"num_hidden_layers":2,"num_attention_heads":3})"); },
      "inline.json", "num_attention_heads", "not divisible");
  expect_input_error(
      [] { from_text(R"({"model_type":"llama","hidden_size":96,"num_hidden_layers":2,"num_attention_heads":6,"num_key_value_heads":4})"); },
      "inline.json", "num_key_value_heads", "not a multiple");
}

// Issue 10: 1e30 was cast to int64 (undefined behaviour) and printed "parameters -0"; a 2^64 - 1
// vocabulary wrapped. Sizes beyond any real model are refused, naming the field.
TEST(BadInput, SizesBeyondAnyRealModelAreRefusedNotWrapped) {
  expect_input_error(
      [] { from_text(R"({"model_type":"llama","hidden_size":1e30,"num_hidden_layers":2,"num_attention_heads":2})"); },
      "inline.json", "hidden_size", "beyond any real model");
  expect_input_error(
      [] {
        from_text(R"({"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":2,
                       "vocab_size":18446744073709551615})");
      },
      "inline.json", "vocab_size", "beyond any real model");
  expect_input_error(
      [] { from_text(R"({"model_type":"llama","hidden_size":64,"num_hidden_layers":1000000000,"num_attention_heads":2})"); },
      "inline.json", "num_hidden_layers", "beyond any real model");
  // Below the integer bound but ~20 operators per layer: 10^8 layers would build 2 G operators.
  expect_input_error(
      [] { from_text(R"({"model_type":"llama","hidden_size":64,"num_hidden_layers":100000000,"num_attention_heads":2})"); },
      "inline.json", "num_hidden_layers", "at most 4096");
  EXPECT_NO_THROW(from_text(R"({"model_type":"llama","hidden_size":64,"num_hidden_layers":4096,"num_attention_heads":2})"));
}

// fuzz_hf_config (2026-12-02): size.longest_edge 20482048 cut each image into 40,004 x 40,004
// tiles and the prefill's attention pair count wrapped (signed overflow). The split, the patches
// per tile and the prompt they make are bounded, naming the field or the option.
TEST(BadInput, ImageTokensAreBoundedSoThePromptCannotWrap) {
  std::ifstream in(kData / "models" / "smolvlm-256m-instruct.json");
  const nlohmann::json smol = nlohmann::json::parse(in);
  auto with = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json c = smol;
    edit(c);
    return c.dump();
  };
  expect_input_error([&] { from_text(with([](nlohmann::json& c) { c["vision_config"]["size"] = {{"longest_edge", 20482048}}; })); },
                     "inline.json", "vision_config.size.longest_edge", "more than 64 per side");
  expect_input_error([&] {
    from_text(with([](nlohmann::json& c) {
      c["vision_config"]["image_size"] = 134217728;
      c["vision_config"]["patch_size"] = 1;
    }));
  }, "inline.json", "vision_config.image_size", "patches per side");
  // Within every per-field bound, the product is not: 1,024 images of 64 x 64 tiles.
  const HfModelSpec spec = from_text(smol.dump());
  Scenario s = prefill_of(1, 1024);
  s.image_tiles_per_side = 64;
  expect_input_error([&] { build_hf_graph(spec, s); }, "", "--images", "is more than 16777216");
  s.image_tiles_per_side = 65;
  expect_input_error([&] { build_hf_graph(spec, s); }, "", "--image-split", "at most 64");
  s.image_tiles_per_side = 4;
  EXPECT_NO_THROW(build_hf_graph(spec, s));
}

// Issue 10 item 12: a number beyond a double was an "internal error" without the file; a
// directory was "malformed JSON". A Hugging Face model directory now reads its config.json.
TEST(BadInput, JsonNumberOverflowAndDirectoriesAreNamed) {
  expect_input_error([] { from_text(R"({"model_type":"llama","hidden_size":1e999})"); }, "inline.json", "", "number overflow");
  const auto dir = std::filesystem::temp_directory_path() / ("meshforge_hf_dir_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "Llama-3.1-8B");
  expect_input_error([&] { resolve_model((dir / "Llama-3.1-8B").string(), kData); }, (dir / "Llama-3.1-8B").string(), "",
                     "without a config.json");
  std::filesystem::copy_file(kData / "models" / "llama-3.1-8b.json", dir / "Llama-3.1-8B" / "config.json");
  const auto file = resolve_model((dir / "Llama-3.1-8B").string(), kData);
  EXPECT_EQ(file, dir / "Llama-3.1-8B" / "config.json");
  EXPECT_EQ(parse_hf_config(file).name, "Llama-3.1-8B");
  std::filesystem::remove_all(dir);
}

TEST(BadInput, VisionHeadsMustDivideTheHiddenSize) {
  for (const char* heads : {"7", "4096"})
    expect_input_error(
        [&] {
          from_text(std::string(R"({"model_type":"idefics3","text_config":{"hidden_size":64,"num_hidden_layers":1,
              "num_attention_heads":1},"vision_config":{"hidden_size":768,"image_size":64,"patch_size":16,
              "num_attention_heads":)") + heads + "}}");
        },
        "inline.json", "vision_config.num_attention_heads", "do not divide hidden_size 768");
}

TEST(BadInput, VisionConfigFieldsNamedWithTheirPath) {
  expect_input_error(
      [] {
        from_text(R"({"model_type":"idefics3","text_config":{"hidden_size":64,"num_hidden_layers":1,
            "num_attention_heads":1},"vision_config":{"hidden_size":32,"image_size":64}})");
      },
      "inline.json", "vision_config.patch_size", "required field is missing");
}

TEST(BadInput, UnsupportedMixtureOfExpertsVariantsListTheSupportedOnes) {
  expect_input_error([] { from_text(R"({"model_type":"deepseek_v3","hidden_size":64,"num_hidden_layers":2,
      "num_attention_heads":4,"n_routed_experts":8})"); },
                     "inline.json", "model_type", "supported MoE types: mixtral, qwen2_moe, qwen3_moe");
  // A dense type with experts would be costed as a dense model: refused.
  expect_input_error([] { from_text(R"({"model_type":"llama","hidden_size":64,"num_hidden_layers":2,
      "num_attention_heads":4,"num_local_experts":8})"); },
                     "inline.json", "num_local_experts", "supported MoE types: mixtral, qwen2_moe, qwen3_moe");
  expect_input_error([] { from_text(R"({"model_type":"mixtral","hidden_size":64,"num_hidden_layers":2,
      "num_attention_heads":4,"num_key_value_heads":4,"num_local_experts":4,"num_experts_per_tok":5})"); },
                     "inline.json", "num_experts_per_tok", "5 experts per token of only 4 experts");
  expect_input_error([] { from_text(R"({"model_type":"qwen3_moe","hidden_size":64,"num_hidden_layers":2,
      "num_attention_heads":4,"mlp_only_layers":[0, 7]})"); },
                     "inline.json", "mlp_only_layers", "7 is not a layer index (0 to 1)");
  expect_input_error([] { from_text(R"({"model_type":"qwen3_moe","hidden_size":64,"num_hidden_layers":2,
      "num_attention_heads":4,"num_experts":0})"); },
                     "inline.json", "num_experts", "expected a positive integer");
  // Every field within its bound, their product beyond any model: refused before a count wraps.
  expect_input_error([] { from_text(R"({"model_type":"mixtral","hidden_size":65536,"num_hidden_layers":4096,
      "num_attention_heads":64,"intermediate_size":134217728,"num_local_experts":134217728})"); },
                     "inline.json", "num_hidden_layers", "beyond any real model");
}

TEST(BadInput, AStepBeyondA64BitElementCountIsRefusedNotWrapped) {
  // Each within its own bound (1 M sequences, 16 M tokens), together 2^44 tokens whose attention
  // scores would wrap a 64-bit count.
  Scenario s = prefill_of(std::int64_t{1} << 24);
  s.batch = std::int64_t{1} << 20;
  expect_input_error([&] { build_hf_graph(shipped("llama-3.1-8b"), s); }, "", "--batch", "beyond a 64-bit count");
  s.batch = 1;
  s.seq_tokens = 512;
  EXPECT_NO_THROW(build_hf_graph(shipped("qwen3-30b-a3b"), s));
}

TEST(ModelLookup, ShortNameAndPath) {
  EXPECT_EQ(resolve_model("llama-3.1-8b", kData), kData / "models" / "llama-3.1-8b.json");
  const auto path = (kData / "models" / "llama-3.1-8b.json").string();
  EXPECT_EQ(resolve_model(path, kData), path);
  expect_input_error([] { resolve_model("no-such-model", kData); }, "no-such-model", "",
                     "llama-3.1-8b");
}

}  // namespace
}  // namespace meshforge::workload

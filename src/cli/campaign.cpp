// meshforge campaign: ONE agent explores several regimes (models, modes, nodes) at once, its
// episodes interleaved across them, as the reference paper's single agent serves every node and
// mode without retuning. This is where the mixture-of-experts gate earns its keep: within one
// regime its input is constant, across regimes it routes each one to its experts.
//
// The campaign file (YAML):
//   nodes: [3nm, 12nm, 28nm]          # every regime runs on every node listed
//   regimes:                          # name -> explore options (those of `meshforge explore`)
//     llama:   {model: llama-3.1-8b, mode: performance}
//     smolvlm: {model: smolvlm-256m-instruct, mode: low-power, precision: int8}
// The agent's options (--agent, --budget per regime and node, --seed, --experts,
// --episode-steps) come from the command line and are the same for every regime.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/commands.h"
#include "cli/explore_common.h"
#include "cli/campaign_file.h"
#include "cli/regimes.h"
#include "cli/ranks.h"
#include "dist/world.h"
#include "search/agents.h"
#include "search/checkpoint_file.h"
#include "search/nn/serialize.h"
#include "common/atomic_file.h"
#include "common/input_error.h"
#include "tech/node.h"
#include "workload/model.h"

namespace meshforge::cli {
namespace {

struct Run {
  std::string regime, node;
  ExploreSettings settings;  // the regime's, with the shared agent's options and this node
  std::filesystem::path dir;
  std::unique_ptr<ExplorationSetup> setup;
  std::unique_ptr<search::Explorer> explorer;
};

struct CampaignOptions {
  ExploreSettings settings;  // the agent's options
  std::string file, out, resume;
  bool force = false;
  double checkpoint_seconds = 30;
};

// ---- the campaign checkpoint: OUT/campaign_checkpoint.bin ----
// magic, u64 size + u64 FNV-1a of the rest, then length-prefixed sections: a JSON header (campaign
// file and its hash, the agent's options, the next run of the round, the runs in order), each run's
// explorer checkpoint without the agent, and the shared agent's state once. Written atomically at
// a boundary between two runs' episodes, so that a resumed campaign continues exactly there.
constexpr const char* kCampaignCheckpoint = "campaign_checkpoint.bin";
constexpr std::string_view kCampaignMagic{"MFCAMP\x01\n", 8};

struct CampaignCheckpoint {
  nlohmann::json header;
  std::vector<std::string> explorers;
  std::string agent;
};

std::string file_hash(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return fmt::format("{:016x}", search::nn::io::fnv1a(s.str()));
}

CampaignCheckpoint read_campaign_checkpoint(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw InputError(path.string(), "", "no campaign checkpoint here: nothing to resume");
  const std::string body = search::checkpoint::unframe(path, search::checkpoint::read_file(path), kCampaignMagic, "campaign checkpoint");
  search::checkpoint::Reader r{body};
  CampaignCheckpoint c;
  try {
    c.header = nlohmann::json::parse(r.str());
    const auto runs = c.header.at("runs").size();
    r.field = "runs";
    for (std::size_t i = 0; i < runs; ++i) c.explorers.push_back(r.str());
    r.field = "agent";
    c.agent = r.str();
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path.string(), "header", std::string("corrupt campaign checkpoint: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw InputError(path.string(), r.field, std::string("corrupt campaign checkpoint: ") + e.what());
  }
  return c;
}

std::string vector_text(const Eigen::VectorXd& v) {
  std::string s;
  for (Eigen::Index i = 0; i < v.size(); ++i) s += fmt::format("{}{:.3f}", i ? " " : "", v(i));
  return s;
}

}  // namespace

void add_campaign_command(CLI::App& app, const GlobalOptions& global) {
  auto o = std::make_shared<CampaignOptions>();
  o->settings.agent = "sac";  // one agent over every regime: the learner with its mixture of experts
  CLI::App* c = app.add_subcommand("campaign", "One agent explores several models, modes and nodes at once (shared experts)");
  c->footer(
      "FILE lists the nodes and the regimes (name -> explore options such as model, mode, precision,\n"
      "power-budget); data/campaigns/paper.yaml is the reference paper's pair. Every regime runs on every\n"
      "node with --budget evaluations; one agent (one replay buffer, one set of experts) learns from all\n"
      "of them, its episodes taken in turn. OUT/<regime>/<node>/ gets each run's best_design.yaml,\n"
      "report.json and progress.csv, OUT/<regime>/summary.csv the sweep table, OUT/gate.csv the gate's\n"
      "weight per expert for every regime and node, and each run's runs.db (meshforge top OUT lists them).\n"
      "OUT/campaign_checkpoint.bin holds the shared agent and every run, written every --checkpoint-seconds\n"
      "and on Ctrl-C (which also writes the outputs found so far); --resume OUT finishes an interrupted\n"
      "campaign (also one killed outright) with the results an uninterrupted one gives.\n"
      "Example: meshforge campaign data/campaigns/paper.yaml --budget 2000 --out runs/paper");
  c->add_option("file", o->file, "Campaign file (YAML); not needed with --resume");
  c->add_option("--agent", o->settings.agent, agent_option_help())
      ->check(CLI::IsMember(search::agent_names()))
      ->capture_default_str();
  c->add_option("--agent-param", o->settings.agent_params, agent_param_help());
  c->add_option("--budget", o->settings.budget, fmt::format("Evaluations per regime and node (default {})", kDefaultBudget))
      ->check(CLI::Range(std::int64_t{1}, kMaxBudget));
  c->add_option("--seed", o->settings.seed, "Seed of every random choice")->check(no_minus_sign())->capture_default_str();
  c->add_option("--experts", o->settings.experts, "SAC: mixture-of-experts heads K (1 = plain SAC)")
      ->check(CLI::Range(1, 16))
      ->capture_default_str();
  c->add_option("--episode-steps", o->settings.episode_steps, "Refinement steps per episode")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  c->add_option("--out", o->out, "Output directory (default: campaign-FILE)");
  c->add_flag("--force", o->force, "Overwrite previous runs in --out");
  c->add_option("--resume", o->resume, "Continue the campaign saved in this directory (its campaign_checkpoint.bin)");
  c->add_option("--checkpoint-seconds", o->checkpoint_seconds, "Wall-clock between campaign checkpoints")
      ->check(finite_positive())
      ->capture_default_str();
  c->callback([o, c, &global] {
    // One agent serves every run, each episode learning from the one before, whatever its regime:
    // the runs are one chain, not independent work. Under mpirun, root runs the whole campaign
    // (the same files as one process), the other ranks wait for it and exit with its status
    // (docs/scale.md says why and what to spread instead).
    dist::World& world = this_launch();
    if (world.distributed() && world.root())
      std::cerr << fmt::format("campaign: one agent is shared by every run, so its runs are one chain: rank 0 runs it, {} "
                               "(docs/scale.md)\n",
                               world.size() == 2 ? "the other rank waits" : fmt::format("the other {} ranks wait", world.size() - 1));
    on_root(world, [&] {
      const bool resume = !o->resume.empty();
      CampaignCheckpoint saved;
      const auto checkpoint_path = std::filesystem::path(resume ? o->resume : o->out) / kCampaignCheckpoint;
      if (resume) {
        if (!o->out.empty()) throw InputError("", "--out", "not used with --resume: the campaign continues in " + o->resume);
        saved = read_campaign_checkpoint(checkpoint_path);
        const auto& h = saved.header;
        try {
          const std::string file = h.at("file").get<std::string>();
          if (!o->file.empty() && std::filesystem::weakly_canonical(o->file) != std::filesystem::path(file))
            throw InputError(o->file, "file", "differs from the campaign being resumed (" + file + ")");
          o->file = file;
          o->out = o->resume;
          // The agent's options are the run's: given again, they must agree.
          auto same = [&](const char* option, const std::string& given, const std::string& stored) {
            if (c->get_option(option)->count() > 0 && given != stored)
              throw InputError(checkpoint_path.string(), option, fmt::format("'{}' differs from the campaign being resumed ('{}')", given, stored));
          };
          const ExploreSettings& g = o->settings;
          same("--agent", g.agent, h.at("agent").get<std::string>());
          same("--budget", std::to_string(g.budget), std::to_string(h.at("budget").get<std::int64_t>()));
          same("--seed", std::to_string(g.seed), std::to_string(h.at("seed").get<std::uint64_t>()));
          same("--experts", std::to_string(g.experts), std::to_string(h.at("experts").get<int>()));
          same("--episode-steps", std::to_string(g.episode_steps), std::to_string(h.at("episode_steps").get<int>()));
          // Checkpoints of earlier versions have no agent parameters.
          const auto stored_params = h.value("agent_params", std::vector<std::string>{});
          ExploreSettings stored;
          stored.agent_params = stored_params;
          same("--agent-param", g.to_run_info().at("agent-param"), stored.to_run_info().at("agent-param"));
          o->settings.agent_params = stored_params;
          o->settings.agent = h.at("agent").get<std::string>();
          o->settings.budget = h.at("budget").get<std::int64_t>();
          o->settings.seed = h.at("seed").get<std::uint64_t>();
          o->settings.experts = h.at("experts").get<int>();
          o->settings.episode_steps = h.at("episode_steps").get<int>();
        } catch (const nlohmann::json::exception& e) {
          throw InputError(checkpoint_path.string(), "header", std::string("corrupt campaign checkpoint: ") + e.what());
        }
        if (!std::filesystem::exists(o->file))
          throw InputError(o->file, "", "the campaign file of the run being resumed is gone");
        if (file_hash(o->file) != saved.header.value("file_hash", ""))
          throw InputError(o->file, "", "changed since the campaign started: a resumed campaign must run the same regimes");
      } else if (o->file.empty()) {
        throw InputError("", "file", "a campaign file is required (or --resume DIR)");
      }
      const auto* entry = search::find_agent(o->settings.agent);
      if (entry && !entry->shares_across_regimes)
        throw InputError("", "--agent",
                         "'" + o->settings.agent + "' optimises one landscape and a campaign shares one agent across "
                         "regimes: run it per regime and node with explore or sweep");
      check_agent_params(o->settings);
      const auto data = global.resolved_data_dir();
      const Campaign campaign = load_campaign(o->file, o->settings, data);
      const std::filesystem::path out =
          o->out.empty() ? std::filesystem::path("campaign-" + std::filesystem::path(o->file).stem().string()) : std::filesystem::path(o->out);
      if (!resume) {
        for (const auto& r : campaign.regimes)
          for (const auto& n : campaign.nodes) check_fresh_output(out / r.name / n, o->force);
        if (!o->force && std::filesystem::exists(out / kCampaignCheckpoint))
          throw InputError((out / kCampaignCheckpoint).string(), "--out",
                           "holds a previous campaign; continue it with --resume " + out.string() + " or overwrite it with --force");
      }
      check_writable(out, "--out");
      const OutputLock lock(out, "--out");  // one campaign per directory

      // Every run's settings and environment, one agent, one explorer per run (no checkpoints: the
      // agent is shared).
      std::vector<Run> runs;
      for (const auto& r : campaign.regimes) {
        for (const auto& n : campaign.nodes) {
          Run run;
          run.regime = r.name;
          run.node = n;
          run.dir = out / r.name / n;
          check_writable(run.dir, "--out");
          run.settings = r.settings;
          run.settings.agent = o->settings.agent;
          run.settings.budget = o->settings.budget > 0 ? o->settings.budget : kDefaultBudget;
          run.settings.seed = o->settings.seed + runs.size();  // each run draws its own episode starts
          run.settings.experts = o->settings.experts;
          run.settings.episode_steps = o->settings.episode_steps;
          run.settings.agent_params = o->settings.agent_params;
          run.settings.lanes = 1;  // the campaign interleaves the runs' episodes one evaluation at a time
          run.settings.node = n;
          run.setup = make_exploration_setup(run.settings, data, n == campaign.nodes.front());
          runs.push_back(std::move(run));
        }
      }
      // The first run's seed is --seed; agent, seed and experts are the same in every run.
      const auto agent = make_agent(runs.front().settings, *runs.front().setup->env);
      for (Run& run : runs) {
        auto xc = make_explorer_config(run.settings, *run.setup, data, run.dir);
        xc.write_checkpoint = false;
        xc.checkpoint_seconds = 0;
        xc.run_info["campaign"] = o->file;
        xc.run_info["regime"] = run.regime;
        run.explorer = std::make_unique<search::Explorer>(*run.setup->env, *agent, xc);
      }
      std::size_t next = 0;  // the run whose episode comes next in the current round
      if (resume) {
        if (saved.explorers.size() != runs.size())
          throw InputError(checkpoint_path.string(), "runs", fmt::format("holds {} runs, the campaign file gives {}", saved.explorers.size(), runs.size()));
        for (std::size_t i = 0; i < runs.size(); ++i) {
          const std::string name = runs[i].regime + "/" + runs[i].node;
          if (saved.header.at("runs").at(i).get<std::string>() != name)
            throw InputError(checkpoint_path.string(), "runs", "run " + std::to_string(i + 1) + " is not " + name);
          runs[i].explorer->resume_from(saved.explorers[i], checkpoint_path, false);
        }
        try {
          std::istringstream state(saved.agent);
          agent->load(state);
        } catch (const std::exception& e) {
          throw InputError(checkpoint_path.string(), "agent", std::string("corrupt campaign checkpoint: ") + e.what());
        }
        next = saved.header.at("next_run").get<std::size_t>();
      } else {
        for (Run& run : runs) run.explorer->begin();
      }
      // The whole campaign at a boundary between two episodes (`next` is the run to go on with).
      const std::string hash = file_hash(o->file);
      auto save_checkpoint = [&](std::size_t next_run) {
        nlohmann::json h;
        h["format"] = 1;
        h["file"] = std::filesystem::weakly_canonical(o->file).string();
        h["file_hash"] = hash;
        h["agent"] = o->settings.agent;
        h["budget"] = runs.front().settings.budget;
        h["seed"] = o->settings.seed;
        h["experts"] = o->settings.experts;
        h["episode_steps"] = o->settings.episode_steps;
        h["agent_params"] = o->settings.agent_params;
        h["next_run"] = next_run;
        h["runs"] = nlohmann::json::array();
        for (const Run& run : runs) h["runs"].push_back(run.regime + "/" + run.node);
        search::checkpoint::Writer body;
        body.str(h.dump());
        for (Run& run : runs) body.str(run.explorer->checkpoint_bytes(false));  // each flushes its progress.csv and runs.db
        std::ostringstream a;
        agent->save(a);
        body.str(a.str());
        write_file_atomically(out / kCampaignCheckpoint, search::checkpoint::frame(kCampaignMagic, body.buf), "--out");
      };

      // Episodes in turn, one per run, until every budget is spent.
      install_interrupt_handler();
      const auto t0 = std::chrono::steady_clock::now();
      auto last = t0;
      std::int64_t done = 0, total = 0;
      for (const auto& run : runs) {
        total += run.explorer->config().budget;
        done += run.explorer->evaluations();
      }
      const std::int64_t done_before = done;
      auto last_checkpoint = t0;
      bool interrupted = false, any = true;
      while (any && !interrupted) {
        any = next != 0;  // a round resumed part-way still leads to the next full round
        for (std::size_t i = next; i < runs.size(); ++i) {
          Run& run = runs[i];
          if (run.explorer->budget_spent()) continue;
          any = true;
          do {
            run.explorer->step();
            ++done;
          } while (!run.explorer->episode_done() && !run.explorer->budget_spent());
          if (interrupt_requested()) {
            interrupted = true;
            save_checkpoint(i + 1);
            break;
          }
          const auto now = std::chrono::steady_clock::now();
          if (std::chrono::duration<double>(now - last_checkpoint).count() >= o->checkpoint_seconds) {
            save_checkpoint(i + 1);
            last_checkpoint = now;
          }
        }
        next = 0;
        const auto now = std::chrono::steady_clock::now();
        if (now - last >= std::chrono::seconds(2) || !any) {
          last = now;
          const double secs = std::chrono::duration<double>(now - t0).count();
          const double rate = secs > 0 ? static_cast<double>(done - done_before) / secs : 0;
          std::cerr << fmt::format("campaign: {}/{} evaluations ({:.0f}%)  {:.0f} eval/s  left {:.0f} s\n", done, total,
                                   100.0 * static_cast<double>(done) / static_cast<double>(total), rate,
                                   rate > 0 ? static_cast<double>(total - done) / rate : 0.0);
        }
      }
      restore_default_signals();
      if (!interrupted) save_checkpoint(0);

      // Outputs: each run's files, a sweep summary per regime, the gate per regime and node.
      auto gate_of = [&](const search::Environment& env) {
        const auto said = agent->explain(env.state());
        const auto it = said.find("gate");
        return it == said.end() ? Eigen::VectorXd() : it->second;
      };
      const int experts = static_cast<int>(gate_of(*runs.front().setup->env).size());
      std::string gate_csv = "regime,node,mode";
      for (int k = 0; k < experts; ++k) gate_csv += fmt::format(",expert_{}", k + 1);
      gate_csv += "\n";
      fmt::print("{:<12} {:>5}  {:>8}  {:>10}  {:>10}  {:<10}  {:>10}  {:>10}  {}\n", "regime", "node", "score", "decode/s",
                 "prefill/s", "unit", "power", "area mm2", experts > 0 ? "gate per expert" : "");
      std::size_t i = 0;
      for (const auto& regime : campaign.regimes) {
        std::string summary = sweep_summary_header();
        for (const auto& node : campaign.nodes) {
          Run& run = runs[i++];
          run.explorer->finish();
          ExploreResult r;
          r.evaluations = run.explorer->evaluations();
          r.best = run.explorer->best();
          summary += sweep_summary_row(node, r);
          const Eigen::VectorXd gate = gate_of(*run.setup->env);
          gate_csv += fmt::format("{},{},{}", regime.name, node, regime.settings.mode);
          for (Eigen::Index k = 0; k < gate.size(); ++k) gate_csv += fmt::format(",{:.6f}", gate(k));
          gate_csv += "\n";
          const auto& b = r.best;
          if (b.found)
            fmt::print("{:<12} {:>5}  {:>8.4f}  {:>10}  {:>10}  {:<10}  {:>10}  {:>10.4g}  {}\n", regime.name, node, b.score,
                       si(b.report.decode.tokens_per_second), si(b.report.prefill.tokens_per_second),
                       workload::plural(b.report.unit), si(b.report.power_w, "W"), b.report.area_mm2, vector_text(gate));
        }
        write_file_atomically(out / regime.name / "summary.csv", summary, "--out");
      }
      if (experts > 0) write_file_atomically(out / "gate.csv", gate_csv, "--out");
      fmt::print("wrote        {}/<regime>/summary.csv, {}/<regime>/<node>/, {}\n", out.string(), out.string(),
                 experts > 0 ? (out / "gate.csv").string() : std::string("(no gate: baseline agent)"));
      if (interrupted)
        throw Interrupted(fmt::format("interrupted after {} of {} evaluations; the outputs above hold the best designs found so far; "
                                      "continue with meshforge campaign --resume {}",
                                      done, total, out.string()));
    });
  });
}

}  // namespace meshforge::cli

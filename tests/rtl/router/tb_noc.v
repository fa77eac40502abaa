// tb_noc: traffic testbench of an NX x NY mesh of mf_router + mf_ni (tb_mesh).
//
// MODE 0 (traffic): every tile sends NPKT packets of 1..MAXLEN words on random VCs, with random
//   gaps and bubbles; PATTERN 0 uniform random, 1 transpose (x, y) -> (y, x), 2 hotspot (HOTPCT %
//   to tile (NX/2, NY/2), the rest uniform), 3 all three one after the other (the mesh drains
//   between them). Receivers consume with probability RXPCT % per
//   cycle. Scoreboard: every packet arrives exactly once, at its destination, with the right
//   source in its head flit, intact (every word is a function of source, destination, VC,
//   sequence number and index), with rx_last on its last word, in order per (source,
//   destination, VC); all of it within MAX_CYCLES (else deadlock / livelock).
// MODE 1 (zero-load latency): one packet of LLEN words at a time on an idle mesh, for every
//   (source, destination) pair (sources every LSTRIDE tiles); cycles from the first tx_valid to the head flit on rx must be
//   3 * (hops + 1) + 2 exactly (3 cycles per router, hops + 1 routers, 1 cycle in each NI), and,
//   when DEPTH >= 4, the tail follows the head by LLEN cycles exactly.
// MODE 2 (bench): Bernoulli injection of +rate=<flits per node per 1000 cycles> packets of
//   MAXLEN words (MAXLEN + 1 flits) into per-source queues, +warmup / +measure cycles, +pattern=
//   0 uniform, 1 transpose, 3 snake ring (each tile to its successor in snake order); prints
//   "RESULT offered=<flits/node/cycle> accepted=<flits/node/cycle> latency=<cycles>".
// Prints PASS or FAIL.
`timescale 1ns/1ps
module tb_noc;
  parameter NX = 4;
  parameter NY = 4;
  parameter LINK_BITS = 64;
  parameter VCS = 2;
  parameter DEPTH = 4;
  parameter ROUTING = 0;
  parameter MODE = 0;
  parameter PATTERN = 0;
  parameter NPKT = 20;
  parameter MAXLEN = 6;
  parameter LLEN = 4;
  parameter LSTRIDE = 1;  // latency mode: sources 0, LSTRIDE, 2 LSTRIDE, ... to every tile
  parameter MAX_CYCLES = 100000;
  parameter SEED = 1;
  parameter RXPCT = 85;
  parameter GAPMAX = 6;
  parameter BUBBLEPCT = 10;
  parameter HOTPCT = 30;

  localparam N   = NX * NY;
  localparam VCB = (VCS > 1) ? $clog2(VCS) : 1;
  localparam LB  = LINK_BITS;
  localparam QD  = 16;

  reg clk = 1'b0;
  reg rst = 1'b1;
  always #5 clk = ~clk;

  reg  [N-1:0]     tx_valid;
  wire [N-1:0]     tx_ready;
  reg  [N*LB-1:0]  tx_data;
  reg  [N-1:0]     tx_last;
  reg  [N*8-1:0]   tx_dst_x;
  reg  [N*8-1:0]   tx_dst_y;
  reg  [N*VCB-1:0] tx_vc;
  wire [N-1:0]     rx_valid;
  reg  [N-1:0]     rx_ready;
  wire [LB-1:0]    rx_data [0:N-1];
  wire [N-1:0]     rx_head;
  wire [N-1:0]     rx_last;
  wire             edge_err;

  tb_mesh #(.NX(NX), .NY(NY), .LINK_BITS(LB), .VCS(VCS), .DEPTH(DEPTH), .ROUTING(ROUTING)) u_mesh (
    .clk(clk), .rst(rst), .tx_valid(tx_valid), .tx_ready(tx_ready), .tx_data(tx_data),
    .tx_last(tx_last), .tx_dst_x(tx_dst_x), .tx_dst_y(tx_dst_y), .tx_vc(tx_vc),
    .rx_valid(rx_valid), .rx_ready(rx_ready), .rx_head(rx_head),
    .rx_last(rx_last), .edge_err(edge_err));

  genvar gt;
  generate
    for (gt = 0; gt < N; gt = gt + 1) begin : g_rx
      assign rx_data[gt] = u_mesh.g_y[gt / NX].g_x[gt % NX].rx_data;
    end
  endgenerate

  // ------------------------------------------------------------------ helpers
  reg [31:0] rng;
  function [31:0] xs32(input [31:0] a);
    reg [31:0] b;
    begin
      b = a ^ (a << 13);
      b = b ^ (b >> 17);
      xs32 = b ^ (b << 5);
    end
  endfunction
  function [31:0] mix(input [31:0] a);
    reg [31:0] b;
    begin
      b = (a ^ (a >> 16)) * 32'h045d9f3b;
      b = (b ^ (b >> 16)) * 32'h045d9f3b;
      mix = b ^ (b >> 16);
    end
  endfunction
  // Word i of packet (src, dst, vc, seq) of len words; word 0 = {len, vc, seq} (+ tgen above).
  function [LB-1:0] word(input integer src, input integer dst, input integer vc, input integer seq,
                         input integer len, input integer i, input [31:0] tgen);
    integer k;
    reg [31:0] key;
    begin
      key = mix({src[7:0], dst[7:0], vc[3:0], seq[11:0]});
      for (k = 0; k < LB / 32; k = k + 1)
        word[k*32 +: 32] = mix(key ^ {i[15:0], k[15:0]});
      if (i == 0) begin
        word[31:0] = {len[7:0], vc[3:0], seq[19:0]};
        if (LB >= 64) word[63:32] = tgen;
      end
    end
  endfunction
  function integer hops(input integer a, input integer b);
    integer dx, dy;
    begin
      dx = (a % NX) - (b % NX);
      dy = (a / NX) - (b / NX);
      hops = (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
    end
  endfunction

  // ------------------------------------------------------------------ state
  integer cyc, errors, s, d, i, r;
  integer s_left [0:N-1];
  integer s_busy [0:N-1];
  integer s_dst  [0:N-1];
  integer s_vc   [0:N-1];
  integer s_len  [0:N-1];
  integer s_idx  [0:N-1];
  integer s_seq  [0:N-1];
  integer s_gap  [0:N-1];
  reg [31:0] s_tgen [0:N-1];
  integer q_cnt  [0:N-1];          // bench: queued packets per source
  reg [31:0] q_t [0:N*QD-1];       // their generation cycles
  integer q_rd   [0:N-1];
  integer r_idx  [0:N-1];          // -1: expecting a head flit
  integer r_src  [0:N-1];
  integer r_vc   [0:N-1];
  integer r_len  [0:N-1];
  integer r_seq  [0:N-1];
  reg [31:0] r_tgen [0:N-1];
  integer sent_cnt [0:N*N*VCS-1];
  integer rcv_cnt  [0:N*N*VCS-1];
  integer tot_sent, tot_rcv, done_cyc;
  // latency mode
  integer pat, pat_last;
  integer l_src, l_dst, l_t0, l_thead, l_phase, l_wait, l_checked, l_maxlat;
  // bench
  integer rate, warmup, measure, off_flits, acc_flits, lat_sum, lat_n, dropped;
  reg [LB-1:0] w, exp_w;

  initial begin
    if (!$value$plusargs("rate=%d", rate)) rate = 100;
    if (!$value$plusargs("warmup=%d", warmup)) warmup = 1000;
    if (!$value$plusargs("measure=%d", measure)) measure = 4000;
    rng = 32'h1234567 ^ SEED * 32'h9e3779b9;
    if (rng == 0) rng = 1;
    pat = (PATTERN == 3) ? 0 : PATTERN;
    if ($value$plusargs("pattern=%d", i)) pat = i;  // bench: one build, patterns at run time
    pat_last = (PATTERN == 3) ? 2 : pat;
    cyc = 0; errors = 0; tot_sent = 0; tot_rcv = 0; done_cyc = -1;
    off_flits = 0; acc_flits = 0; lat_sum = 0; lat_n = 0; dropped = 0;
    l_src = 0; l_dst = 0; l_phase = 0; l_wait = 0; l_checked = 0; l_maxlat = 0;
    l_t0 = 0; l_thead = 0;
    tx_valid = 0; tx_data = 0; tx_last = 0; tx_dst_x = 0; tx_dst_y = 0; tx_vc = 0;
    rx_ready = 0;
    for (s = 0; s < N; s = s + 1) begin
      s_left[s] = (MODE == 0) ? NPKT : 0; s_busy[s] = 0; s_gap[s] = 0; s_idx[s] = 0;
      q_cnt[s] = 0; q_rd[s] = 0; r_idx[s] = -1;
    end
    for (i = 0; i < N * N * VCS; i = i + 1) begin sent_cnt[i] = 0; rcv_cnt[i] = 0; end
    repeat (4) @(posedge clk);
    rst <= 1'b0;
  end

  task fail(input [8*64-1:0] msg);
    begin
      errors = errors + 1;
      if (errors <= 10) $display("FAIL: cycle %0d: %0s", cyc, msg);
    end
  endtask

  // Start packet on source s to d with vc and len.
  // Bench pattern 3 (MODE 2): a ring in snake order, the way a region's tiles pass partial sums
  // on (even rows east, odd rows west, then down; the last tile back to tile 0).
  function integer snake_next(input integer t);
    integer x, y;
    begin
      x = t % NX; y = t / NX;
      if (y % 2 == 0 && x < NX - 1) snake_next = t + 1;
      else if (y % 2 == 1 && x > 0) snake_next = t - 1;
      else if (y < NY - 1) snake_next = t + NX;
      else snake_next = 0;
    end
  endfunction

  task start_pkt(input integer src, input integer dst, input integer vc, input integer len,
                 input [31:0] tgen);
    begin
      s_busy[src] = 1; s_dst[src] = dst; s_vc[src] = vc; s_len[src] = len; s_idx[src] = 0;
      s_tgen[src] = tgen;
      s_seq[src] = sent_cnt[(src * N + dst) * VCS + vc];
      sent_cnt[(src * N + dst) * VCS + vc] = s_seq[src] + 1;
      tot_sent = tot_sent + 1;
      tx_dst_x[src*8 +: 8] <= dst % NX;
      tx_dst_y[src*8 +: 8] <= dst / NX;
      tx_vc[src*VCB +: VCB] <= vc;
    end
  endtask

  always @(posedge clk) if (!rst) begin
    cyc = cyc + 1;
    if (edge_err) fail("flit sent off the mesh");

    // ---------------------------------------------------------------- receivers
    for (d = 0; d < N; d = d + 1) begin
      if (rx_valid[d] && rx_ready[d]) begin
        w = rx_data[d];
        if (MODE == 2 && cyc > warmup && cyc <= warmup + measure) acc_flits = acc_flits + 1;
        if (r_idx[d] < 0) begin
          if (!rx_head[d]) fail("body flit where a head flit was expected");
          if (w[7:0] != d % NX || w[15:8] != d / NX) fail("packet at the wrong destination");
          if ((w >> 32) != 0) fail("head flit bits above 31 not zero");
          if (w[23:16] >= NX || w[31:24] >= NY) fail("bad source in head flit");
          r_src[d] = w[31:24] * NX + w[23:16];
          if (rx_last[d]) fail("rx_last on a head flit");
          r_idx[d] = 0;
          if (MODE == 1) begin
            l_thead = cyc;
            if (d != l_dst || r_src[d] != l_src) fail("latency packet at wrong tile");
            if (l_thead - l_t0 != 3 * (hops(l_src, l_dst) + 1) + 2) begin
              $display("FAIL: zero-load latency %0d -> %0d: %0d cycles, expected %0d",
                       l_src, l_dst, l_thead - l_t0, 3 * (hops(l_src, l_dst) + 1) + 2);
              errors = errors + 1;
            end
            if (l_thead - l_t0 > l_maxlat) l_maxlat = l_thead - l_t0;
          end
        end else begin
          if (rx_head[d]) fail("head flit inside a packet");
          if (r_idx[d] == 0) begin
            r_len[d] = w[31:24]; r_vc[d] = w[23:20]; r_seq[d] = w[19:0];
            r_tgen[d] = (LB >= 64) ? w[63:32] : 0;
            if (r_vc[d] >= VCS || r_len[d] < 1) fail("corrupt first word");
            else begin
              i = (r_src[d] * N + d) * VCS + r_vc[d];
              if (r_seq[d] != rcv_cnt[i]) begin
                $display("FAIL: cycle %0d: %0d -> %0d vc %0d: seq %0d, expected %0d (lost, duplicated or reordered)",
                         cyc, r_src[d], d, r_vc[d], r_seq[d], rcv_cnt[i]);
                errors = errors + 1;
              end
              rcv_cnt[i] = rcv_cnt[i] + 1;
            end
          end
          exp_w = word(r_src[d], d, r_vc[d], r_seq[d], r_len[d], r_idx[d], r_tgen[d]);
          if (w != exp_w) fail("corrupt payload word");
          if (rx_last[d] != (r_idx[d] == r_len[d] - 1)) fail("rx_last at the wrong word");
          r_idx[d] = r_idx[d] + 1;
          if (rx_last[d]) begin
            r_idx[d] = -1;
            tot_rcv = tot_rcv + 1;
            if (MODE == 1 && DEPTH >= 4 && cyc - l_thead != LLEN) begin
              $display("FAIL: zero-load tail %0d -> %0d: %0d cycles after the head, expected %0d",
                       l_src, l_dst, cyc - l_thead, LLEN);
              errors = errors + 1;
            end
            if (MODE == 2 && cyc > warmup && cyc <= warmup + measure) begin
              lat_sum = lat_sum + (cyc - r_tgen[d]); lat_n = lat_n + 1;
            end
          end
        end
      end
      if (MODE == 0) begin
        rng = xs32(rng);
        rx_ready[d] <= (rng % 100) < RXPCT;
      end else rx_ready[d] <= 1'b1;
    end

    // ---------------------------------------------------------------- senders
    for (s = 0; s < N; s = s + 1) begin
      // Bench: Bernoulli packet generation into the source queue.
      if (MODE == 2) begin
        rng = xs32(rng);
        if ((rng % (1000 * (MAXLEN + 1))) < rate) begin
          if (cyc > warmup && cyc <= warmup + measure) off_flits = off_flits + MAXLEN + 1;
          if (q_cnt[s] < QD) begin
            q_t[s * QD + (q_rd[s] + q_cnt[s]) % QD] = cyc;
            q_cnt[s] = q_cnt[s] + 1;
          end else dropped = dropped + 1;
        end
      end
      if (tx_valid[s] && tx_ready[s]) begin
        s_idx[s] = s_idx[s] + 1;
        if (s_idx[s] == s_len[s]) begin
          s_busy[s] = 0;
          rng = xs32(rng);
          s_gap[s] = (MODE == 0) ? rng % (GAPMAX + 1) : (MODE == 1 ? 1000000 : 0);
        end
      end
      if (!s_busy[s]) begin
        if (s_gap[s] > 0) s_gap[s] = s_gap[s] - 1;
        else if (MODE == 0 && s_left[s] > 0) begin
          s_left[s] = s_left[s] - 1;
          rng = xs32(rng);
          r = rng % 100;
          rng = xs32(rng);
          if (pat == 1) d = (s % NX) * NX + s / NX;
          else if (pat == 2 && r < HOTPCT) d = (NY / 2) * NX + NX / 2;
          else d = rng % N;
          rng = xs32(rng);
          i = rng % VCS;
          rng = xs32(rng);
          start_pkt(s, d, i, 1 + rng % MAXLEN, cyc);
        end else if (MODE == 2 && q_cnt[s] > 0) begin
          rng = xs32(rng);
          if (pat == 1) d = (s % NX) * NX + s / NX;
          else if (pat == 3) d = snake_next(s);
          else d = rng % N;
          rng = xs32(rng);
          start_pkt(s, d, rng % VCS, MAXLEN, q_t[s * QD + q_rd[s]]);
          q_rd[s] = (q_rd[s] + 1) % QD;
          q_cnt[s] = q_cnt[s] - 1;
        end
      end
      // Drive the stream: a presented word stays until accepted; otherwise maybe a bubble.
      if (s_busy[s]) begin
        if (!(tx_valid[s] && !tx_ready[s])) begin
          rng = xs32(rng);
          tx_valid[s] <= (MODE != 0) || ((rng % 100) >= BUBBLEPCT);
          tx_data[s*LB +: LB] <= word(s, s_dst[s], s_vc[s], s_seq[s], s_len[s], s_idx[s], s_tgen[s]);
          tx_last[s] <= (s_idx[s] == s_len[s] - 1);
        end
      end else tx_valid[s] <= 1'b0;
    end

    // ---------------------------------------------------------------- latency sequencer
    if (MODE == 1) begin
      if (l_phase == 0) begin          // launch l_src -> l_dst
        l_t0 = cyc + 1;                // tx_valid is seen from the next edge on
        start_pkt(l_src, l_dst, (l_src + l_dst) % VCS, LLEN, cyc);
        tx_valid[l_src] <= 1'b1;
        tx_data[l_src*LB +: LB] <= word(l_src, l_dst, (l_src + l_dst) % VCS, s_seq[l_src], LLEN, 0, cyc);
        tx_last[l_src] <= (LLEN == 1);
        l_phase = 1;
      end else if (l_phase == 1 && tot_rcv == l_checked + 1) begin
        l_checked = l_checked + 1; l_phase = 2; l_wait = 0;
      end else if (l_phase == 2) begin  // let the mesh go idle (credits return)
        l_wait = l_wait + 1;
        if (l_wait == 8) begin
          l_phase = 0;
          s_gap[l_src] = 0;
          l_dst = l_dst + 1;
          if (l_dst == N) begin l_dst = 0; l_src = l_src + LSTRIDE; end
          if (l_src >= N) begin
            if (errors == 0)
              $display("PASS: zero-load latency, %0d pairs, 3 cycles per router + 2, max %0d cycles",
                       l_checked, l_maxlat);
            else $display("FAIL: %0d errors", errors);
            $finish;
          end
        end
      end
    end

    // ---------------------------------------------------------------- end of test
    if (MODE == 0) begin
      r = 1;
      for (s = 0; s < N; s = s + 1) if (s_left[s] > 0 || s_busy[s]) r = 0;
      if (r && tot_rcv == tot_sent && done_cyc < 0) done_cyc = cyc;
      if (done_cyc >= 0 && cyc == done_cyc + 30) begin
        for (i = 0; i < N * N * VCS; i = i + 1)
          if (sent_cnt[i] != rcv_cnt[i]) fail("sent and received counts differ");
        for (d = 0; d < N; d = d + 1) if (r_idx[d] >= 0) fail("packet left incomplete");
        $display("pattern %0d (%0s) done at cycle %0d: %0d packets delivered so far",
                 pat, pat == 0 ? "uniform" : pat == 1 ? "transpose" : "hotspot", done_cyc, tot_rcv);
        if (pat < pat_last) begin
          pat = pat + 1;
          done_cyc = -1;
          for (s = 0; s < N; s = s + 1) s_left[s] = NPKT;
        end else begin
          if (errors == 0)
            $display("PASS: %0d packets delivered in %0d cycles (routing %0d, vcs %0d, depth %0d, link %0d bits)",
                     tot_rcv, cyc, ROUTING, VCS, DEPTH, LB);
          else $display("FAIL: %0d errors", errors);
          $finish;
        end
      end
    end
    if (MODE == 2 && cyc == warmup + measure) begin
      $display("RESULT routing=%0d pattern=%0d vcs=%0d depth=%0d offered=%0.4f accepted=%0.4f latency=%0.1f dropped=%0d",
               ROUTING, pat, VCS, DEPTH, off_flits * 1.0 / (N * measure),
               acc_flits * 1.0 / (N * measure), lat_n > 0 ? lat_sum * 1.0 / lat_n : 0.0, dropped);
      if (errors == 0) $display("PASS"); else $display("FAIL: %0d errors", errors);
      $finish;
    end
    if (cyc >= MAX_CYCLES) begin
      $display("FAIL: timeout after %0d cycles: %0d of %0d packets delivered (deadlock?)",
               cyc, tot_rcv, tot_sent);
      $finish;
    end
  end
endmodule

// tb_router: one mf_router at (2, 2) (XY routing) driven directly on its five links.
// 1. Zero-load timing: for every (input, output) pair, a 3-flit packet on an idle router; the
//    head must leave exactly 3 cycles after it arrived (documented per-hop delay), and with
//    DEPTH >= 4 body and tail 1 cycle apart (one-flit packets when DEPTH < 3).
// 2. Random traffic: every input sends packets of 1..4 flits (one-flit packets included) on
//    random VCs to destinations behind every output, obeying the router's credits; the
//    downstream sinks hold what they receive in DEPTH-flit buffers per VC and return credits at
//    random. Checks: no sink buffer ever overflows (the router obeys credits); every packet
//    leaves on the XY output port of its destination, on its VC, not interleaved with another
//    packet on that output VC, intact, in order per (input, VC); all input credits come back.
`timescale 1ns/1ps
module tb_router;
  parameter LINK_BITS = 64;
  parameter VCS = 2;
  parameter DEPTH = 4;
  parameter NPKT = 150;       // per input port
  localparam VCB = (VCS > 1) ? $clog2(VCS) : 1;
  localparam LB = LINK_BITS;

  reg clk = 1'b0;
  reg rst = 1'b1;
  always #5 clk = ~clk;

  reg  [4:0]       in_valid, in_head, in_tail;
  reg  [5*VCB-1:0] in_vc;
  reg  [5*LB-1:0]  in_data;
  wire [5*VCS-1:0] in_credit;
  wire [4:0]       out_valid, out_head, out_tail;
  wire [5*VCB-1:0] out_vc;
  wire [5*LB-1:0]  out_data;
  reg  [5*VCS-1:0] out_credit;

  mf_router #(.LINK_BITS(LB), .VCS(VCS), .DEPTH(DEPTH), .ROUTING(0)) dut (
    .clk(clk), .rst(rst), .my_x(8'd2), .my_y(8'd2),
    .in_valid(in_valid), .in_head(in_head), .in_tail(in_tail), .in_vc(in_vc), .in_data(in_data),
    .in_credit(in_credit), .out_valid(out_valid), .out_head(out_head), .out_tail(out_tail),
    .out_vc(out_vc), .out_data(out_data), .out_credit(out_credit));

  integer errors = 0;
  integer cyc = 0;
  reg [31:0] rng;
  function [31:0] xs32(input [31:0] a);
    reg [31:0] b;
    begin b = a ^ (a << 13); b = b ^ (b >> 17); xs32 = b ^ (b << 5); end
  endfunction
  // destination behind output o of router (2, 2): local, north, east, south, west (+ spread)
  function [15:0] dst_for(input integer o, input integer r);
    reg [7:0] x, y;
    begin
      case (o)
        0: begin x = 2; y = 2; end
        1: begin x = 2; y = r % 2; end             // y < 2, x = 2
        2: begin x = 3 + r % 3; y = r % 5; end     // x > 2
        3: begin x = 2; y = 3 + r % 4; end         // y > 2, x = 2
        default: begin x = r % 2; y = r % 5; end   // x < 2
      endcase
      dst_for = {y, x};
    end
  endfunction
  function integer xy_port(input [15:0] d);  // {y, x}
    begin
      if (d[7:0] > 2) xy_port = 2;
      else if (d[7:0] < 2) xy_port = 4;
      else if (d[15:8] < 2) xy_port = 1;
      else if (d[15:8] > 2) xy_port = 3;
      else xy_port = 0;
    end
  endfunction

  // sources
  integer cred    [0:5*VCS-1];
  integer src_seq [0:5*VCS-1];
  integer s_left  [0:4];
  integer s_busy  [0:4];
  integer s_vc    [0:4];
  integer s_len   [0:4];
  integer s_idx   [0:4];
  integer s_seq   [0:4];
  reg [15:0] s_dst [0:4];
  // sinks
  integer sink_cnt [0:5*VCS-1];
  integer o_busy   [0:5*VCS-1];
  integer o_src    [0:5*VCS-1];
  integer o_seq    [0:5*VCS-1];
  integer o_len    [0:5*VCS-1];
  integer o_idx    [0:5*VCS-1];
  integer exp_seq  [0:5*VCS-1];  // per (input, vc)
  integer p, o, v, k, lk, i, phase, lat_in, lat_out, t_in, t_head, t_sent, n_rcv, n_sent, one_flit;
  reg [LB-1:0] w;

  function [LB-1:0] head_word(input integer src, input integer seq, input integer len,
                              input [15:0] dst);
    begin
      head_word = {LB{1'b0}};
      head_word[31:0] = {seq[7:0], src[7:0], dst};
      head_word[39:32] = len;
    end
  endfunction
  function [LB-1:0] body_word(input integer src, input integer vc, input integer seq, input integer idx);
    begin
      body_word = {LB / 32 {xs32(32'h1000 + src * 7919 + vc * 104729 + seq * 31 + idx)}};
    end
  endfunction

  initial begin
    rng = 32'hC0FFEE;
    in_valid = 0; in_head = 0; in_tail = 0; in_vc = 0; in_data = 0; out_credit = 0;
    for (i = 0; i < 5 * VCS; i = i + 1) begin
      cred[i] = DEPTH; src_seq[i] = 0; sink_cnt[i] = 0; o_busy[i] = 0; exp_seq[i] = 0;
    end
    for (p = 0; p < 5; p = p + 1) begin s_left[p] = NPKT; s_busy[p] = 0; end
    n_rcv = 0; n_sent = 0; one_flit = 0;
    phase = 1; lat_in = 0; lat_out = 0; lk = 0; t_sent = 0;
    repeat (3) @(posedge clk);
    rst <= 1'b0;
  end

  localparam TLEN = (DEPTH >= 3) ? 3 : 1;  // timing packet length
  always @(posedge clk) if (!rst) begin
    cyc = cyc + 1;
    // ---------------------------------------------------------------- outputs (sinks)
    for (o = 0; o < 5; o = o + 1) begin
      if (out_valid[o]) begin
        v = out_vc[o*VCB +: VCB];
        w = out_data[o*LB +: LB];
        k = o * VCS + v;
        if (phase == 1) begin
          if (o != lat_out) begin $display("FAIL: timing packet on port %0d", o); errors = errors + 1; end
          if (out_head[o]) begin
            t_head = cyc;
            if (t_head - t_in != 3) begin
              $display("FAIL: %0d -> %0d: head after %0d cycles, expected 3", lat_in, lat_out, t_head - t_in);
              errors = errors + 1;
            end
          end else if (DEPTH >= 4 && cyc - t_head != w) begin
            $display("FAIL: %0d -> %0d: flit %0d after %0d cycles", lat_in, lat_out, w, cyc - t_head);
            errors = errors + 1;
          end
        end
        sink_cnt[k] = sink_cnt[k] + 1;
        if (sink_cnt[k] > DEPTH) begin
          $display("FAIL: output %0d vc %0d: downstream buffer overflow (credits ignored)", o, v);
          errors = errors + 1;
        end
        if (phase == 2) begin
          if (out_head[o]) begin
            if (o_busy[k]) begin $display("FAIL: packets interleaved on output %0d vc %0d", o, v); errors = errors + 1; end
            if (xy_port(w[15:0]) != o) begin $display("FAIL: packet on port %0d, XY port %0d", o, xy_port(w[15:0])); errors = errors + 1; end
            o_src[k] = w[23:16]; o_seq[k] = w[31:24]; o_len[k] = w[39:32]; o_idx[k] = 1;
            if (o_seq[k] != exp_seq[o_src[k] * VCS + v] % 256) begin
              $display("FAIL: input %0d vc %0d: packet %0d, expected %0d", o_src[k], v, o_seq[k], exp_seq[o_src[k] * VCS + v]);
              errors = errors + 1;
            end
            exp_seq[o_src[k] * VCS + v] = exp_seq[o_src[k] * VCS + v] + 1;
            o_busy[k] = 1;
          end else begin
            if (!o_busy[k]) begin $display("FAIL: body flit without a head on output %0d vc %0d", o, v); errors = errors + 1; end
            if (w != body_word(o_src[k], v, o_seq[k], o_idx[k])) begin $display("FAIL: corrupt body flit"); errors = errors + 1; end
            o_idx[k] = o_idx[k] + 1;
          end
          if (out_tail[o]) begin
            if (o_idx[k] != o_len[k]) begin $display("FAIL: tail after %0d of %0d flits", o_idx[k], o_len[k]); errors = errors + 1; end
            o_busy[k] = 0;
            n_rcv = n_rcv + 1;
          end
        end
      end
    end
    // sinks drain at random and return credits
    for (k = 0; k < 5 * VCS; k = k + 1) begin
      rng = xs32(rng);
      if (sink_cnt[k] > 0 && (phase == 1 || rng[4:0] < 14)) begin
        sink_cnt[k] = sink_cnt[k] - 1;
        out_credit[k] <= 1'b1;
      end else out_credit[k] <= 1'b0;
    end
    // ---------------------------------------------------------------- 1. zero-load timing
    if (phase == 1) begin
      // t_sent: 0 sending flit k of lat_in -> lat_out, > 0 waiting for the router to drain
      if (t_sent == 0) begin
        p = lat_in;
        in_valid <= 5'd0;
        in_valid[p] <= 1'b1; in_head[p] <= (lk == 0); in_tail[p] <= (lk == TLEN - 1);
        in_vc[p*VCB +: VCB] <= 0;
        in_data[p*LB +: LB] <= (lk == 0) ? head_word(p, 0, TLEN, dst_for(lat_out, 0)) : lk;
        if (lk == 0) t_in = cyc + 1;  // the router samples the head at the next edge
        lk = lk + 1;
        if (lk == TLEN) begin lk = 0; t_sent = 1; end
      end else begin
        in_valid <= 5'd0;
        t_sent = t_sent + 1;
        if (t_sent == 12) begin
          t_sent = 0;
          lat_out = lat_out + 1;
          if (lat_out == lat_in && lat_in != 0) lat_out = lat_out + 1;
          if (lat_out >= 5) begin lat_out = 0; lat_in = lat_in + 1; end
          if (lat_in == 5) begin phase = 2; t_sent = -1; end
        end
      end
    end
    // ---------------------------------------------------------------- inputs (sources)
    if (phase == 2) begin
      for (k = 0; k < 5 * VCS; k = k + 1) if (in_credit[k]) cred[k] = cred[k] + 1;
      for (p = 0; p < 5; p = p + 1) begin
        if (in_valid[p]) begin
          s_idx[p] = s_idx[p] + 1;
          if (s_idx[p] == s_len[p]) s_busy[p] = 0;
        end
        if (!s_busy[p] && s_left[p] > 0) begin
          rng = xs32(rng);
          s_left[p] = s_left[p] - 1; s_busy[p] = 1; s_idx[p] = 0;
          s_vc[p] = rng[3:0] % VCS; s_len[p] = 1 + rng[9:8];
          s_dst[p] = dst_for(rng[22:20] % 5, rng[31:24]);
          s_seq[p] = src_seq[p * VCS + s_vc[p]];
          src_seq[p * VCS + s_vc[p]] = s_seq[p] + 1;
          n_sent = n_sent + 1;
          if (s_len[p] == 1) one_flit = one_flit + 1;
        end
        rng = xs32(rng);
        if (s_busy[p] && cred[p * VCS + s_vc[p]] > 0 && rng[6:0] < 100) begin
          cred[p * VCS + s_vc[p]] = cred[p * VCS + s_vc[p]] - 1;
          in_valid[p] <= 1'b1;
          in_head[p] <= (s_idx[p] == 0);
          in_tail[p] <= (s_idx[p] == s_len[p] - 1);
          in_vc[p*VCB +: VCB] <= s_vc[p];
          in_data[p*LB +: LB] <= (s_idx[p] == 0) ? head_word(p, s_seq[p], s_len[p], s_dst[p])
                                                  : body_word(p, s_vc[p], s_seq[p], s_idx[p]);
        end else in_valid[p] <= 1'b0;
      end
      k = 1;
      for (p = 0; p < 5; p = p + 1) if (s_left[p] > 0 || s_busy[p]) k = 0;
      if (k && n_rcv == n_sent) begin
        repeat (0) ;
        for (i = 0; i < 5 * VCS; i = i + 1)
          if (cred[i] + (in_credit[i] ? 1 : 0) != DEPTH) k = 0;
        if (k || cyc > 200000) begin
          if (!k) begin $display("FAIL: input credits not all returned"); errors = errors + 1; end
          if (errors == 0)
            $display("PASS: mf_router vcs %0d depth %0d: zero-load 3 cycles per hop; %0d packets (%0d of one flit) in %0d cycles",
                     VCS, DEPTH, n_rcv, one_flit, cyc);
          else $display("FAIL: %0d errors", errors);
          $finish;
        end
      end
    end
    if (cyc > 200000) begin $display("FAIL: timeout, %0d of %0d packets", n_rcv, n_sent); $finish; end
  end
endmodule

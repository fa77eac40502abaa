// Fused multiply-add r = a * b + c with a single rounding, optionally pipelined: the datapath of
// mf_fma (the comments there give the arithmetic rules) in four phases, with a register after
// phase k when CUTS[k] is 1 (k = 0, 1, 2), so r follows a, b, c by popcount(CUTS) cycles:
//   phase 0  significand product, exponents, compare and swap, alignment shift amount
//   phase 1  alignment shift with sticky, add / subtract, negate
//   phase 2  leading-zero count, normalising shift
//   phase 3  round to nearest even, exponent adjust, pack (FTZ, overflow to the Inf encoding)
// The cut registers are free-running (no enable, no reset): mf_vector_unit's pipelined
// floating-point lanes track validity beside them. CUTS = 0 is mf_fma (clk unused). Verilog-2005.
module mf_fma_pipe #(
  parameter EI = 8,
  parameter MI = 23,
  parameter EC = 8,
  parameter MC = 23,
  parameter [2:0] CUTS = 3'b000
) (
  input            clk,
  input  [EI+MI:0] a,
  input  [EI+MI:0] b,
  input  [EC+MC:0] c,
  output [EC+MC:0] r
);
  localparam BI  = (1 << (EI-1)) - 1;
  localparam BC  = (1 << (EC-1)) - 1;
  localparam PW  = 2*(MI+1);                       // product significand, 2 integer bits
  localparam F   = ((PW > MC) ? PW : MC) + 4;       // fraction bits of the addition window
  localparam N   = F + 3;                           // window: 3 integer bits (sum < 6)
  localparam XW  = ((EI+2 > EC+1) ? EI+2 : EC+1) + 3; // signed exponent width
  localparam SW  = $clog2(N+1);
  localparam signed [XW-1:0] MINE = -(1 << (XW-3)); // exponent of a zero operand
  localparam [EC-1:0] EMAXC = {EC{1'b1}};
  localparam NF_I = N - 1 - F;
  localparam NM1_I = N - 1;
  localparam signed [XW-1:0] NX   = N[XW-1:0];      // typed constants (lint: no width casts)
  localparam signed [XW-1:0] NF   = NF_I[XW-1:0];
  localparam signed [XW-1:0] ZERO = 0;
  localparam signed [XW-1:0] EOVF = (1 << EC) - 1;
  localparam [SW-1:0] NM1 = NM1_I[SW-1:0];

  // ---- phase 0
  wire sa = a[EI+MI], sb = b[EI+MI], sc = c[EC+MC];
  wire [EI-1:0] ea = a[EI+MI-1:MI];
  wire [EI-1:0] eb = b[EI+MI-1:MI];
  wire [EC-1:0] ec = c[EC+MC-1:MC];
  wire zp = (ea == {EI{1'b0}}) | (eb == {EI{1'b0}});
  wire zc = (ec == {EC{1'b0}});

  // significand product (exact), value prod / 2^(PW-2) in [1, 4)
  wire [MI:0]   siga = {1'b1, a[MI-1:0]};
  wire [MI:0]   sigb = {1'b1, b[MI-1:0]};
  wire [PW-1:0] prod = siga * sigb;

  // exponents in the accumulator's biased domain, signed
  wire signed [XW-1:0] ea_s = {{(XW-EI){1'b0}}, ea};
  wire signed [XW-1:0] eb_s = {{(XW-EI){1'b0}}, eb};
  wire signed [XW-1:0] ec_s = {{(XW-EC){1'b0}}, ec};
  wire signed [XW-1:0] ep   = zp ? MINE : (ea_s + eb_s - (2*BI - BC));
  wire signed [XW-1:0] ecx  = zc ? MINE : ec_s;

  // operands in the window: F fraction bits
  wire [N-1:0] pw = {1'b0, (zp ? {PW{1'b0}} : prod), {(F-PW+2){1'b0}}};
  wire [N-1:0] cw = {2'b00, ~zc, c[MC-1:0] & {MC{~zc}}, {(F-MC){1'b0}}};   // DAZ: c's fraction too

  wire p_big = (ep >= ecx);
  wire signed [XW-1:0] E0 = p_big ? ep : ecx;
  wire signed [XW-1:0] dd = p_big ? (ep - ecx) : (ecx - ep);
  wire [N-1:0] big0 = p_big ? pw : cw;
  wire [N-1:0] sml0 = p_big ? cw : pw;
  wire [SW-1:0] sh0 = (dd > NX) ? N[SW-1:0] : dd[SW-1:0];
  wire sp    = sa ^ sb;
  wire sub0  = sp ^ sc;
  wire sbig0 = p_big ? sp : sc;

  localparam B0 = XW + SW + 2*N + 2;
  wire [B0-1:0] q0;
  mf_pipe_reg #(.W(B0), .N(CUTS[0] ? 1 : 0)) cut0 (.clk(clk), .d({E0, sh0, big0, sml0, sub0, sbig0}), .q(q0));
  wire signed [XW-1:0] E1 = q0[B0-1 -: XW];
  wire [SW-1:0] sh  = q0[2*N+2 +: SW];
  wire [N-1:0]  big = q0[N+2 +: N];
  wire [N-1:0]  sml = q0[2 +: N];
  wire          sub = q0[1];
  wire          sbig = q0[0];

  // ---- phase 1: alignment shift with sticky, add / subtract
  wire [2*N-1:0] ext = {sml, {N{1'b0}}} >> sh;
  wire           stk = |ext[N-1:0];
  wire [N-1:0]   sma = {ext[2*N-1:N+1], ext[N] | stk};
  wire [N:0]   sum = sub ? ({1'b0, big} - {1'b0, sma}) : ({1'b0, big} + {1'b0, sma});
  wire         neg = sum[N];
  wire [N-1:0] mag0 = neg ? (~sum[N-1:0] + 1'b1) : sum[N-1:0];
  wire         rs0 = sbig ^ neg;

  localparam B1 = XW + N + 1;
  wire [B1-1:0] q1;
  mf_pipe_reg #(.W(B1), .N(CUTS[1] ? 1 : 0)) cut1 (.clk(clk), .d({E1, mag0, rs0}), .q(q1));
  wire signed [XW-1:0] E2 = q1[B1-1 -: XW];
  wire [N-1:0] mag = q1[1 +: N];
  wire         rs1 = q1[0];

  // ---- phase 2: leading-zero count and normalisation
  reg [SW-1:0] lz0;
  reg          found0;
  integer      i;
  always @* begin
    lz0 = N[SW-1:0];
    found0 = 1'b0;
    for (i = N-1; i >= 0; i = i - 1)
      if (!found0 && mag[i]) begin
        lz0 = NM1 - i[SW-1:0];
        found0 = 1'b1;
      end
  end
  wire [N-1:0] nrm0 = mag << lz0;

  localparam B2 = XW + SW + N + 2;
  wire [B2-1:0] q2;
  mf_pipe_reg #(.W(B2), .N(CUTS[2] ? 1 : 0)) cut2 (.clk(clk), .d({E2, lz0, found0, nrm0, rs1}), .q(q2));
  wire signed [XW-1:0] E = q2[B2-1 -: XW];
  wire [SW-1:0] lz    = q2[N+2 +: SW];
  wire          found = q2[N+1];
  wire [N-1:0]  nrm   = q2[1 +: N];
  wire          rs    = q2[0];

  // ---- phase 3: round to nearest even at MC fraction bits
  wire [MC:0]   kept = nrm[N-1:N-1-MC];
  wire          g    = nrm[N-2-MC];
  wire          s    = |nrm[N-3-MC:0];
  wire          up   = g & (s | kept[0]);
  wire [MC+1:0] rnd  = {1'b0, kept} + {{(MC+1){1'b0}}, up};
  wire          co   = rnd[MC+1];

  // exponent: leading one at bit N-1-lz has weight 2^(N-1-lz-F)
  wire signed [XW-1:0] lz_s = {{(XW-SW){1'b0}}, lz};
  wire signed [XW-1:0] co_s = {{(XW-1){1'b0}}, co};
  wire signed [XW-1:0] er   = E + NF - lz_s + co_s;
  wire [MC-1:0] frac = co ? {MC{1'b0}} : rnd[MC-1:0];

  wire is_zero = ~found;
  wire uflow   = (er <= ZERO);
  wire oflow   = (er >= EOVF);
  assign r = is_zero ? {(EC+MC+1){1'b0}} :
             uflow   ? {rs, {(EC+MC){1'b0}}} :
             oflow   ? {rs, EMAXC, {MC{1'b0}}} :
                       {rs, er[EC-1:0], frac};
endmodule

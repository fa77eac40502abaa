// Reference cells and the vector register file. Verilog-2005.

// A single NAND2 (maps to NAND2xp33): the NAND2-equivalent reference
module ref_nand2 (input a, input b, output y);
  assign y = ~(a & b);
endmodule

// A single D flip-flop (maps to DFFHQNx1 + output inverter)
module ref_dff (input clk, input d, output reg q);
  always @(posedge clk) q <= d;
endmodule

// ENTRIES x W register file, 3 asynchronous read ports and 1 synchronous write port, built of
// flip-flops and read multiplexers (no SRAM macro). RISC-V V: 32 registers of VLEN bits.
module rf3r1w #(parameter W = 64, parameter ENTRIES = 32) (
  input              clk,
  input              we,
  input  [4:0]       wa,
  input  [W-1:0]     wd,
  input  [4:0]       ra0,
  input  [4:0]       ra1,
  input  [4:0]       ra2,
  output [W-1:0]     rd0,
  output [W-1:0]     rd1,
  output [W-1:0]     rd2
);
  reg [W-1:0] mem [0:ENTRIES-1];
  always @(posedge clk)
    if (we) mem[wa] <= wd;
  assign rd0 = mem[ra0];
  assign rd1 = mem[ra1];
  assign rd2 = mem[ra2];
endmodule

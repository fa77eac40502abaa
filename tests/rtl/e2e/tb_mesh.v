// Testbench of the end-to-end MLP test: clock, reset, the weights and x preloaded into the tiles'
// memories, a cycle budget, and the controller's AMEM written out once every core has halted.
// With WEIGHTS_OVER_NOC defined, only the controller's AMEM is preloaded (x and W): the workers'
// WMEMs start empty and their programs load them with recv + wld.
`timescale 1ns / 1ps
module tb;
  reg clk = 1'b0, rst = 1'b1;
  wire all_halted, any_fault;
  mlp_2x2_top dut (.clk(clk), .rst(rst), .all_halted(all_halted), .any_fault(any_fault));
  always #1 clk = ~clk;
  integer cycles = 0;
  initial begin
`ifdef WEIGHTS_OVER_NOC
    $readmemh("amem_controller_init.hex", dut.row[0].col[0].c1_controller.tile.amem.mem);
`else
    $readmemh("w_1_0.hex", dut.row[0].col[1].c0_worker.tile.wmem_sram.wmem.mem);
    $readmemh("w_0_1.hex", dut.row[1].col[0].c0_worker.tile.wmem_sram.wmem.mem);
    $readmemh("w_1_1.hex", dut.row[1].col[1].c0_worker.tile.wmem_sram.wmem.mem);
    $readmemh("x.hex", dut.row[0].col[0].c1_controller.tile.amem.mem);
`endif
    repeat (4) @(posedge clk);
    rst = 1'b0;
    while (!all_halted && cycles < 20000) begin
      @(posedge clk);
      cycles = cycles + 1;
    end
    if (any_fault) $display("FAULT");
    if (!all_halted) $display("TIMEOUT after %0d cycles", cycles);
    else $display("HALTED after %0d cycles", cycles);
    $writememh("amem_controller.hex", dut.row[0].col[0].c1_controller.tile.amem.mem, 0, 31);
    $finish;
  end
endmodule

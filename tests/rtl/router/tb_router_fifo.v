// tb_router_fifo: unit test of mf_router_fifo for DEPTH = 1, 2, 3, 4, 8 against a reference
// queue: random writes (while not full, or full with a read in the same cycle) and reads;
// valid and the head word must match the reference every cycle.
`timescale 1ns/1ps
module tb_router_fifo;
  reg clk = 1'b0;
  reg rst = 1'b1;
  always #5 clk = ~clk;
  integer errors = 0;
  integer cyc = 0;

  genvar gi;
  generate
    for (gi = 0; gi < 5; gi = gi + 1) begin : g_f
      localparam D = (gi == 0) ? 1 : (gi == 1) ? 2 : (gi == 2) ? 3 : (gi == 3) ? 4 : 8;
      reg         wr_en, rd_en;
      reg  [15:0] wr_data;
      wire        valid;
      wire [15:0] rd_data;
      reg  [15:0] model [0:D-1];
      integer     head, count, i, n_wr, n_full_rw;
      reg  [31:0] rng;
      reg  [15:0] next_word;
      mf_router_fifo #(.WIDTH(16), .DEPTH(D)) dut (
        .clk(clk), .rst(rst), .wr_en(wr_en), .wr_data(wr_data), .rd_en(rd_en),
        .valid(valid), .rd_data(rd_data));
      initial begin
        rng = 32'h9E3779B9 * (gi + 1); wr_en = 0; rd_en = 0; wr_data = 0;
        head = 0; count = 0; next_word = 16'h100 * gi; n_wr = 0; n_full_rw = 0;
      end
      always @(posedge clk) if (!rst) begin
        // compare the outputs of this cycle with the model
        if (valid != (count > 0)) begin
          $display("FAIL: depth %0d: valid %b, model count %0d", D, valid, count); errors = errors + 1;
        end else if (count > 0 && rd_data != model[head]) begin
          $display("FAIL: depth %0d: head %h, expected %h", D, rd_data, model[head]); errors = errors + 1;
        end
        // apply this cycle's operations to the model
        if (rd_en && count > 0) begin head = (head + 1) % D; count = count - 1; end
        if (wr_en) begin
          if (count >= D) begin $display("FAIL: tb wrote into full FIFO"); errors = errors + 1; end
          model[(head + count) % D] = wr_data; count = count + 1; n_wr = n_wr + 1;
        end
        // next operations: read with 50 %, write with 55 % if it fits
        rng = rng ^ (rng << 13); rng = rng ^ (rng >> 17); rng = rng ^ (rng << 5);
        rd_en <= rng[3] && (count > 0);
        if ((rng[15:8] < 140) && (count < D || (rng[3] && count > 0))) begin
          if (count == D) n_full_rw = n_full_rw + 1;
          wr_en <= 1'b1; wr_data <= next_word; next_word = next_word + 1;
        end else wr_en <= 1'b0;
      end
    end
  endgenerate

  initial begin
    repeat (3) @(posedge clk);
    rst <= 1'b0;
  end
  always @(posedge clk) if (!rst) begin
    cyc <= cyc + 1;
    if (cyc == 5000) begin
      $display("depth 1/2/3/4/8: %0d/%0d/%0d/%0d/%0d writes, %0d/%0d/%0d/%0d/%0d write+read when full",
               g_f[0].n_wr, g_f[1].n_wr, g_f[2].n_wr, g_f[3].n_wr, g_f[4].n_wr,
               g_f[0].n_full_rw, g_f[1].n_full_rw, g_f[2].n_full_rw, g_f[3].n_full_rw, g_f[4].n_full_rw);
      if (errors == 0) $display("PASS: mf_router_fifo"); else $display("FAIL: %0d errors", errors);
      $finish;
    end
  end
endmodule

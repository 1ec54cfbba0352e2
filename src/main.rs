//! The `consult-sim` binary: parses the command line and hands over to the library.

use clap::Parser;

fn main() {
    let cli = consult_sim::cli::Cli::parse();
    match consult_sim::cli::main_with(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(1);
        }
    }
}

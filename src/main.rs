fn main() {
    huaxian_app::run();
}

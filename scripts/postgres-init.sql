-- One database per service (design §1); the image creates jointinspect_intake itself.
CREATE DATABASE jointinspect_draw;
CREATE DATABASE jointinspect_letters;
CREATE DATABASE jointinspect_results;
